//! FHIR R4 (4.0.1) in and out: `tend export fhir` writes what tend holds
//! about patients as one Bundle, `tend import fhir` reads such a bundle
//! back. The mapping of each table to its resource is in the README's FHIR
//! section; the URLs and code tables both directions use are in [`codes`],
//! the resource ids in [`ids`].

pub mod codes;
pub mod export;
pub mod ids;
pub mod import;
