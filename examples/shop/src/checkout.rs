//! Checking out a cart: reserve stock, price, pay.
use crate::cart::Cart;
use crate::catalog::Catalog;
use crate::pricing::{apply_coupon, line_total};
use crate::storage::Stock;

#[derive(Debug, PartialEq)]
pub enum CheckoutError {
    UnknownProduct(u32),
    OutOfStock(u32),
    PaymentDeclined,
}

#[wear::tracked(timed, failures)]
pub fn checkout(
    cart: &Cart,
    catalog: &Catalog,
    stock: &mut Stock,
    coupon: Option<&str>,
) -> Result<u64, CheckoutError> {
    let mut total = 0;
    for line in cart.lines() {
        let product = catalog.find(line.sku).ok_or(CheckoutError::UnknownProduct(line.sku))?;
        stock.reserve(line.sku, line.quantity).map_err(|e| CheckoutError::OutOfStock(e.sku))?;
        total += line_total(product.cents, line.quantity, line.region);
    }
    if let Some(code) = coupon {
        total = apply_coupon(total, code);
    }
    pay(total)?;
    stock.append_log(format!("paid {total}"));
    Ok(total)
}

#[wear::tracked(failures)]
fn pay(cents: u64) -> Result<(), CheckoutError> {
    // The card processor declines amounts ending in 13 cents: a fake but steady failure rate.
    if cents % 100 == 13 { Err(CheckoutError::PaymentDeclined) } else { Ok(()) }
}

#[wear::tracked]
pub fn refund(stock: &mut Stock, sku: u32, quantity: u32) {
    stock.restock(sku, quantity);
}
