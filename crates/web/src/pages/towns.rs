//! The towns the map names, from `data/map/towns.csv` (compiled in): the seats of governorates
//! (rank 1), districts (2) and sub-districts (3), with their English and Arabic names. A user
//! adds a town by adding a row.

use std::sync::LazyLock;

use serde::Deserialize;

/// One town the map may name.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Town {
    /// 1: a governorate's seat, 2: a district's, 3: a sub-district's.
    pub(crate) rank: u8,
    pub(crate) name_en: String,
    pub(crate) name_ar: String,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
}

static TOWNS: LazyLock<Vec<Town>> = LazyLock::new(|| {
    let mut towns = parse(include_str!("../../../../data/map/towns.csv")).unwrap_or_default();
    towns.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.name_en.cmp(&b.name_en)));
    towns
});

fn parse(text: &str) -> Result<Vec<Town>, csv::Error> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect()
}

/// The towns, the most important first.
pub(crate) fn towns() -> &'static [Town] {
    &TOWNS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_towns_read_and_lie_in_syria() {
        let shipped = parse(include_str!("../../../../data/map/towns.csv")).unwrap();
        assert_eq!(shipped.len(), towns().len());
        assert!(towns().len() > 200);
        let country = super::super::map::COUNTRY;
        for town in towns() {
            assert!((1..=3).contains(&town.rank), "{}", town.name_en);
            assert!(!town.name_en.is_empty() && !town.name_ar.is_empty());
            assert!(
                (country[0]..=country[2]).contains(&town.lon)
                    && (country[1]..=country[3]).contains(&town.lat),
                "{} is outside the country's box",
                town.name_en
            );
        }
        // The fourteen governorates' seats, less Rural Damascus and Quneitra (whose seats do
        // not bear their names), come first.
        assert_eq!(towns().iter().filter(|t| t.rank == 1).count(), 12);
        assert!(towns()[0].rank == 1 && towns().last().unwrap().rank == 3);
    }
}
