//! Where scenarios come from: the 2016 demonstration scenario compiled into the binary, or a
//! folder on disk. Both implement [`ScenarioFiles`], so [`Scenario::load`] checks them alike.

use std::path::{Path, PathBuf};

use truce_core::{Scenario, ScenarioErrors, ScenarioFiles};

/// Reads scenario files from a folder.
#[derive(Debug, Clone)]
pub struct FolderFiles {
    root: PathBuf,
}

impl FolderFiles {
    /// Files below `root` (the folder holding `scenario.json`).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FolderFiles { root: root.into() }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl ScenarioFiles for FolderFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        let full = self.root.join(path);
        std::fs::read_to_string(&full)
            .map_err(|error| format!("cannot read {}: {error}", full.display()))
    }
}

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/scenario/coh-2016/", $path)))),*]
    };
}

/// The files of the 2016 demonstration scenario (`data/scenario/coh-2016`), compiled in.
const COH_2016: &[(&str, &str)] = embed!(
    "scenario.json",
    "agreement.json",
    "actors.json",
    "besieged.json",
    "humanitarian/convoys.json",
    "humanitarian/air-operations.json",
    "humanitarian/linked-deliveries.json",
    "boundaries/syr_admin1.geojson",
    "boundaries/syr_admin3.geojson",
    "control/compiled-2016-02-27.geojson",
    "control/ru-delineation-synthetic.geojson",
);

/// The compiled-in files of the 2016 demonstration scenario.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmbeddedCoh2016;

impl ScenarioFiles for EmbeddedCoh2016 {
    fn read(&self, path: &str) -> Result<String, String> {
        COH_2016
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| format!("{path} is not among the compiled-in scenario files"))
    }
}

/// Loads the scenario in `folder`, or the compiled-in 2016 scenario when `folder` is `None`.
pub fn load(folder: Option<&Path>) -> Result<Scenario, ScenarioErrors> {
    match folder {
        Some(folder) => Scenario::load(&FolderFiles::new(folder)),
        None => Scenario::load(&EmbeddedCoh2016),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_scenario_matches_the_folder() {
        let folder = FolderFiles::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/scenario/coh-2016"
        ));
        for (name, text) in COH_2016 {
            assert_eq!(&folder.read(name).unwrap(), text, "{name}");
        }
    }
}
