//! How text in a terminal gets its colour: 24-bit colour, the 256-colour cube for terminals
//! without it, or none at all (a pipe, `NO_COLOR`, `--color never`), in which case not a single
//! escape code is written. Used by the table, the heatmap and the wear map.
use anstyle::{Ansi256Color, Color, RgbColor, Style};

/// Which colours a terminal shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Palette {
    /// No colour: plain text.
    Plain,
    /// The xterm 256-colour palette.
    Ansi256,
    /// 24-bit colour.
    TrueColor,
}

impl Palette {
    /// The palette for a terminal: none without colour, 24-bit when `COLORTERM` says
    /// `truecolor` or `24bit` (as terminals that have it announce), else 256 colours.
    pub(crate) fn detect(color: bool, colorterm: Option<&str>) -> Palette {
        match (color, colorterm) {
            (false, _) => Palette::Plain,
            (true, Some("truecolor" | "24bit")) => Palette::TrueColor,
            (true, _) => Palette::Ansi256,
        }
    }

    /// Whether anything is coloured.
    pub(crate) fn is_color(self) -> bool {
        self != Palette::Plain
    }

    /// A foreground style for an RGB colour, as near as the palette goes.
    pub(crate) fn rgb_style(self, (r, g, b): (u8, u8, u8)) -> Option<Style> {
        match self {
            Palette::Plain => None,
            Palette::Ansi256 => {
                Some(Style::new().fg_color(Some(Color::Ansi256(Ansi256Color(ansi256((r, g, b)))))))
            }
            Palette::TrueColor => Some(Style::new().fg_color(Some(Color::Rgb(RgbColor(r, g, b))))),
        }
    }

    /// `style` when colouring.
    pub(crate) fn style(self, style: Style) -> Option<Style> {
        self.is_color().then_some(style)
    }
}

/// Appends `text`, wrapped in `style` when there is one.
pub(crate) fn push_styled(out: &mut String, text: &str, style: Option<Style>) {
    match style {
        Some(style) => {
            out.push_str(&style.render().to_string());
            out.push_str(text);
            out.push_str(&style.render_reset().to_string());
        }
        None => out.push_str(text),
    }
}

/// The grey of unknown cells and of rules.
pub(crate) const GREY: (u8, u8, u8) = (128, 128, 128);

/// The nearest colour of the xterm 256-colour cube, for terminals without 24-bit colour.
pub(crate) fn ansi256((r, g, b): (u8, u8, u8)) -> u8 {
    // The cube's six levels per channel are 0, 95, 135, 175, 215 and 255.
    let level = |v: u8| -> u8 {
        match v {
            0..=47 => 0,
            48..=114 => 1,
            v => ((v - 35) / 40).min(5),
        }
    };
    16 + 36 * level(r) + 6 * level(g) + level(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_256_colour_cube_is_nearest() {
        assert_eq!(ansi256((0, 0, 0)), 16);
        assert_eq!(ansi256((255, 255, 255)), 231);
        assert_eq!(ansi256((255, 0, 0)), 196);
        assert_eq!(ansi256((95, 135, 175)), 16 + 36 + 12 + 3);
    }
}
