//! Facts of the country's boundaries that pages and checks need on every request, computed once
//! from the scenario (the boundaries never change while a server runs).

use std::collections::HashMap;
use std::sync::OnceLock;

use geo::BoundingRect;

use crate::AppState;

/// The districts' centres and the country's bounding box.
pub struct Geography {
    district_centres: OnceLock<HashMap<String, (f64, f64)>>,
    bounds: OnceLock<[f64; 4]>,
}

impl Geography {
    pub(crate) fn new() -> Self {
        Geography {
            district_centres: OnceLock::new(),
            bounds: OnceLock::new(),
        }
    }

    /// The centre `(lon, lat)` of a district (admin2): where a coarsened incident is shown.
    pub fn district_centre(&self, state: &AppState, district: &str) -> Option<(f64, f64)> {
        self.district_centres
            .get_or_init(|| state.world().scenario.admin3.district_centres())
            .get(district)
            .copied()
    }

    /// The bounding box of the governorates: min lon, min lat, max lon, max lat.
    pub fn bounds(&self, state: &AppState) -> [f64; 4] {
        *self.bounds.get_or_init(|| {
            let world = state.world();
            let mut bounds = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            for unit in world.scenario.admin1.units() {
                if let Some(rect) = unit.shape.bounding_rect() {
                    bounds[0] = bounds[0].min(rect.min().x);
                    bounds[1] = bounds[1].min(rect.min().y);
                    bounds[2] = bounds[2].max(rect.max().x);
                    bounds[3] = bounds[3].max(rect.max().y);
                }
            }
            // No boundaries at all: refuse nothing for the place.
            if bounds[0] > bounds[2] {
                return [-180.0, -90.0, 180.0, 90.0];
            }
            bounds
        })
    }
}
