//! The map's colours, in one place: one style sheet ([`style`]) colours the SVG's classes and,
//! with the same values, a page's legend swatches and list badges, so the two cannot differ.
//! (It is a sheet of its own rather than a `<style>` in the SVG because the pages allow no
//! inline style.)
//!
//! Areas of control are a muted basemap; incidents stand out on it with strong colours of the
//! Okabe–Ito palette (safe for colour-blind readers), a white halo, and a stroke pattern of
//! their own, so that no label relies on colour alone.

/// The fill of each controller's areas, opaque so that the legend's swatch is the colour seen.
pub const CONTROL: [(&str, &str); 6] = [
    ("gos", "#c6d7e8"),
    ("opposition", "#cde3cb"),
    ("isil", "#d3d3d3"),
    ("nusra", "#dcc8b0"),
    ("sdf", "#f0dfb6"),
    ("contested", "#e8d0e1"),
];

/// An incident's colour and stroke pattern, by its primary label.
pub const INCIDENTS: [(&str, &str, &str); 7] = [
    ("covered", "#D55E00", "none"),
    ("coverage_disputed", "#CC79A7", "2 1"),
    ("perpetrator_excluded", "#1a1a1a", "none"),
    ("target_excluded", "#8a8a8a", "1 1"),
    ("non_participant", "#0072B2", "none"),
    ("pre_start", "#F0E442", "3 1"),
    ("other", "#ffffff", "none"),
];

/// The style sheet of the map's classes (and of the legend's and badges' backgrounds).
pub fn style() -> &'static str {
    &STYLE
}

static STYLE: std::sync::LazyLock<String> = std::sync::LazyLock::new(build_style);

fn build_style() -> String {
    let mut css = String::from(concat!(
        "svg text{font-family:system-ui,\"Noto Sans\",\"Noto Naskh Arabic\",sans-serif}",
        ".ctl{stroke:#fff;stroke-width:.6}",
        ".hatch{stroke:none}.hatch-line{stroke:#666;stroke-width:1;opacity:.5}",
        ".admin1{fill:none;stroke:#6b6b6b;stroke-width:.9}",
        ".label{font-size:11px;fill:#222;text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:3px}",
        ".gov{font-size:13px;font-weight:600;fill:#4a4a4a;text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}",
        ".town-1,.town-2,.town-3,.besieged-name{text-anchor:middle;fill:#1b1b1b;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}",
        ".town-1{font-size:12px;font-weight:600}.town-2{font-size:11px}.town-3{font-size:10px}",
        ".dot-town-1,.dot-town-2,.dot-town-3{fill:#1b1b1b;stroke:#fff;stroke-width:1}",
        ".besieged{fill:#fff;fill-opacity:.8;stroke:#6a1b1b;stroke-width:2.5}",
        ".besieged-name{font-size:11px;font-weight:700;fill:#6a1b1b}",
        ".besieged.reached-30{fill:#fff;background:#fff}.besieged.reached-90{fill:#f2a65a;background:#f2a65a}.besieged.reached-older{fill:#8e1b1b;background:#8e1b1b;fill-opacity:.9}",
        ".aid-convoy{fill:#0072B2;background:#0072B2;stroke:#fff;stroke-width:1.5}.aid-drop{fill:#CC79A7;background:#CC79A7;stroke:#fff;stroke-width:1.5}",
        "#layer-incidents{filter:drop-shadow(0 0 .8px #fff) drop-shadow(0 0 .8px #fff)}",
        ".inc{stroke:#111;stroke-width:1}",
        ".cluster circle{stroke:#111;stroke-width:1;fill-opacity:.92}",
        ".cluster text{font-size:10px;font-weight:600;text-anchor:middle;fill:#fff;paint-order:stroke;stroke:#000;stroke-width:2px}",
        ".scale line{stroke:#1b1b1b;stroke-width:2}.scale text{font-size:11px;fill:#1b1b1b;paint-order:stroke;stroke:#fff;stroke-width:3px}",
    ));
    for (key, fill) in CONTROL {
        css.push_str(&format!(".ctl-{key}{{fill:{fill};background:{fill}}}"));
    }
    for (key, fill, dash) in INCIDENTS {
        css.push_str(&format!(
            ".lbl-{key}{{fill:{fill};background:{fill};stroke-dasharray:{dash}}}.cluster.lbl-{key} circle{{fill:{fill}}}"
        ));
        if dash != "none" {
            css.push_str(&format!(".dot.lbl-{key}{{border-style:dashed}}"));
        }
    }
    css
}
