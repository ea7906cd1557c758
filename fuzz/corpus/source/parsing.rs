//! Parsing order lines such as `"sku-12 x3 @eu"`.
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct OrderLine {
    pub sku: u32,
    pub quantity: u32,
    pub region: Region,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Region {
    Eu,
    Us,
    Asia,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    Empty,
    BadSku(String),
    BadQuantity(String),
    UnknownRegion(String),
}

impl fmt::Display for ParseError {
    #[wear::tracked]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "empty order line"),
            ParseError::BadSku(s) => write!(f, "bad sku `{s}`"),
            ParseError::BadQuantity(s) => write!(f, "bad quantity `{s}`"),
            ParseError::UnknownRegion(s) => write!(f, "unknown region `{s}`"),
        }
    }
}

#[wear::tracked(timed, failures)]
pub fn parse_line(line: &str) -> Result<OrderLine, ParseError> {
    let mut words = line.split_whitespace();
    let sku = parse_sku(words.next().ok_or(ParseError::Empty)?)?;
    let quantity = parse_quantity(words.next().unwrap_or("x1"))?;
    let region = parse_region(words.next().unwrap_or("@eu"))?;
    Ok(OrderLine { sku, quantity, region })
}

#[wear::tracked]
fn parse_sku(word: &str) -> Result<u32, ParseError> {
    word.strip_prefix("sku-").and_then(|n| n.parse().ok()).ok_or_else(|| ParseError::BadSku(word.to_owned()))
}

#[wear::tracked]
fn parse_quantity(word: &str) -> Result<u32, ParseError> {
    word.strip_prefix('x')
        .and_then(|n| n.parse().ok())
        .filter(|&q| q > 0)
        .ok_or_else(|| ParseError::BadQuantity(word.to_owned()))
}

#[wear::tracked(failures)]
fn parse_region(word: &str) -> Result<Region, ParseError> {
    match word {
        "@eu" => Ok(Region::Eu),
        "@us" => Ok(Region::Us),
        "@asia" => Ok(Region::Asia),
        other => Err(ParseError::UnknownRegion(other.to_owned())),
    }
}

/// Legacy CSV orders: kept for an old client nobody has heard from in years.
#[wear::tracked]
pub fn parse_csv_line(line: &str) -> Result<OrderLine, ParseError> {
    let fields: Vec<&str> = line.split(',').collect();
    let [sku, quantity, region] = fields.as_slice() else {
        return Err(ParseError::Empty);
    };
    Ok(OrderLine { sku: parse_sku(sku)?, quantity: parse_quantity(quantity)?, region: parse_region(region)? })
}
