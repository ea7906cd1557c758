//! The product catalog.
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Product {
    pub sku: u32,
    pub name: String,
    pub cents: u64,
}

#[derive(Debug, Default)]
pub struct Catalog {
    products: HashMap<u32, Product>,
}

#[wear::tracked]
impl Catalog {
    pub fn with_products(count: u32) -> Catalog {
        let mut catalog = Catalog::default();
        for sku in 0..count {
            catalog.add(Product {
                sku,
                name: format!("product {sku}"),
                cents: 199 + u64::from(sku) * 37 % 5_000,
            });
        }
        catalog
    }

    pub fn add(&mut self, product: Product) {
        self.products.insert(product.sku, product);
    }

    pub fn find(&self, sku: u32) -> Option<&Product> {
        self.products.get(&sku)
    }

    pub fn search(&self, text: &str) -> Vec<&Product> {
        self.products.values().filter(|p| p.name.contains(text)).collect()
    }

    pub fn discontinue(&mut self, sku: u32) -> Option<Product> {
        self.products.remove(&sku)
    }

    #[wear::tracked(skip)]
    pub fn product_count(&self) -> usize {
        self.products.len()
    }
}
