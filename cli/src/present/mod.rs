//! How the due list is shown to people, whatever the format: colours and styles for a terminal
//! ([`paint`]), the words for numbers and ages ([`words`]), text cut and wrapped to a width
//! ([`text`]) and the short names of parts ([`names`]). The table, the heatmap, the wear map
//! and the HTML report all draw on these, so a part reads the same in each of them.
pub(crate) mod names;
pub(crate) mod paint;
pub(crate) mod text;
pub(crate) mod words;
