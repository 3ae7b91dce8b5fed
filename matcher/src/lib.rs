//! What a good match is: domain types, the ESCO/ISCO taxonomy, Finnish
//! geography and industries. No HTTP and no SQL live here.

pub mod assignment;
pub mod domain;
pub mod effectiveness;
pub mod geography;
pub mod index;
pub mod industry;
pub mod intake;
pub mod labels;
pub mod normalize;
pub mod picture;
pub mod ranking;
pub mod records;
pub mod references;
pub mod retrieval;
pub mod scoring;
pub mod taxonomy;
pub mod trend;
