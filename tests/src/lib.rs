//! End-to-end tests of wear live in `tests/`; this library is empty.
