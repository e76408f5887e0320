//! Administrative boundaries (OCHA P-codes) and the lookup of the unit holding a point.

use std::collections::HashMap;
use std::sync::Arc;

use geo::{Centroid, MultiPolygon, Polygon};

use crate::geometry::{AreaIndex, IndexedArea};

/// One administrative unit.
#[derive(Debug, Clone)]
pub struct AdminUnit {
    /// OCHA P-code, e.g. `SY020001`.
    pub pcode: Arc<str>,
    /// Admin level: 1 governorate, 2 district, 3 sub-district.
    pub level: u8,
    /// English name.
    pub name_en: String,
    /// Arabic name.
    pub name_ar: String,
    /// P-code of the governorate.
    pub admin1_pcode: Arc<str>,
    /// P-code of the district (for levels 2 and 3).
    pub admin2_pcode: Option<Arc<str>>,
    /// The outline.
    pub shape: Arc<MultiPolygon<f64>>,
}

/// The units of one admin level, indexed for point lookup.
#[derive(Debug, Clone, Default)]
pub struct AdminLevel {
    units: Vec<AdminUnit>,
    index: AreaIndex,
}

impl AdminLevel {
    /// Indexes the units.
    pub fn new(units: Vec<AdminUnit>) -> Self {
        let index = AreaIndex::new(
            units
                .iter()
                .map(|unit| IndexedArea::new(&unit.shape))
                .collect(),
        );
        AdminLevel { units, index }
    }

    /// Every unit, in file order.
    pub fn units(&self) -> &[AdminUnit] {
        &self.units
    }

    /// The unit with this P-code.
    pub fn get(&self, pcode: &str) -> Option<&AdminUnit> {
        self.units.iter().find(|unit| &*unit.pcode == pcode)
    }

    /// The area-weighted centre of each district (admin2), from the sub-districts of this
    /// level (with `admin2_pcode` set): where a coarsened incident is shown. Keys are the
    /// district's P-code; values `(lon, lat)`.
    pub fn district_centres(&self) -> HashMap<String, (f64, f64)> {
        let mut districts: HashMap<String, Vec<Polygon<f64>>> = HashMap::new();
        for unit in &self.units {
            if let Some(district) = &unit.admin2_pcode {
                districts
                    .entry(district.to_string())
                    .or_default()
                    .extend(unit.shape.0.iter().cloned());
            }
        }
        districts
            .into_iter()
            .filter_map(|(pcode, polygons)| {
                MultiPolygon(polygons)
                    .centroid()
                    .map(|centre| (pcode, (centre.x(), centre.y())))
            })
            .collect()
    }

    /// The unit holding the point. On a shared border, the unit first in file order wins, so
    /// that the answer is the same every time.
    pub fn at(&self, lon: f64, lat: f64) -> Option<&AdminUnit> {
        self.index
            .containing(lon, lat)
            .min()
            .map(|slot| &self.units[slot])
    }
}
