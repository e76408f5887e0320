//! The map renderer, as pure functions: no I/O, the same input gives the same SVG.
//!
//! 1. [`Viewport`] projects longitude/latitude to pixels (equirectangular, with the longitude
//!    scaled by the cosine of the middle latitude: at Syria's size the distortion is under 2%,
//!    and the arithmetic is cheap enough to run per request).
//! 2. Outlines are simplified in pixel space (Douglas–Peucker at half a pixel), so a zoomed-out
//!    map carries a fraction of the vertices and a zoomed-in one keeps its detail.
//! 3. Rings are clipped to the viewport (Sutherland–Hodgman), so nothing off-screen is sent.
//! 4. Markers close to each other on screen are merged into clusters that show their count,
//!    each a link to its members' extent when the caller says where that is.
//! 5. Labels are placed where they overlap nothing ([`labels`]).
//! 6. SVG is written with coordinates rounded to a tenth of a pixel, to keep pages light, and
//!    colours come from one style sheet ([`palette`]).

pub mod labels;
pub mod palette;

use std::fmt::Write;

pub use labels::{Label, place_labels};

use geo::{Coord, LineString, MultiPolygon, Simplify};

/// The visible window: a box in longitude/latitude drawn into `width` × `height` pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// West, south, east, north (degrees).
    pub bbox: [f64; 4],
    /// Width in pixels.
    pub width: f64,
    /// Height in pixels.
    pub height: f64,
    scale: f64,
    x_factor: f64,
    offset: [f64; 2],
}

impl Viewport {
    /// A viewport showing all of `bbox` (west, south, east, north) in a `width`-pixel-wide
    /// picture; the height follows from the box's proportions.
    pub fn fit(bbox: [f64; 4], width: f64) -> Viewport {
        let [west, south, east, north] = bbox;
        let x_factor = ((south + north) / 2.0).to_radians().cos();
        let span_x = ((east - west) * x_factor).max(1e-9);
        let span_y = (north - south).max(1e-9);
        let scale = width / span_x;
        let height = (span_y * scale).round().max(1.0);
        Viewport {
            bbox,
            width,
            height,
            scale,
            x_factor,
            offset: [west, north],
        }
    }

    /// A viewport of the same size centred on `(lon, lat)`, `zoom` times closer than `self`.
    pub fn zoomed(&self, lon: f64, lat: f64, zoom: f64) -> Viewport {
        let zoom = zoom.max(1.0);
        let half_w = (self.bbox[2] - self.bbox[0]) / zoom / 2.0;
        let half_h = (self.bbox[3] - self.bbox[1]) / zoom / 2.0;
        Viewport::fit(
            [lon - half_w, lat - half_h, lon + half_w, lat + half_h],
            self.width,
        )
    }

    /// Pixel coordinates of a point (y grows downwards).
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.offset[0]) * self.x_factor * self.scale,
            (self.offset[1] - lat) * self.scale,
        )
    }

    /// Longitude and latitude of a pixel.
    pub fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        (
            x / (self.x_factor * self.scale) + self.offset[0],
            self.offset[1] - y / self.scale,
        )
    }

    /// Pixels per degree of latitude (a measure of zoom).
    pub fn pixels_per_degree(&self) -> f64 {
        self.scale
    }
}

/// Pixel tolerance of the simplification.
const SIMPLIFY_PIXELS: f64 = 0.5;

/// Projects, simplifies and clips a shape; returns the rings that remain visible, in pixels.
pub fn prepare(shape: &MultiPolygon<f64>, viewport: &Viewport) -> Vec<Vec<(f64, f64)>> {
    let [west, south, east, north] = viewport.bbox;
    let mut rings = Vec::new();
    for polygon in shape {
        let rect = geo::BoundingRect::bounding_rect(polygon);
        if let Some(rect) = rect
            && (rect.max().x < west
                || rect.min().x > east
                || rect.max().y < south
                || rect.min().y > north)
        {
            continue;
        }
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            let projected: LineString<f64> = ring
                .coords()
                .map(|c| {
                    let (x, y) = viewport.project(c.x, c.y);
                    Coord { x, y }
                })
                .collect();
            let simplified = projected.simplify(SIMPLIFY_PIXELS);
            let points: Vec<(f64, f64)> = simplified.coords().map(|c| (c.x, c.y)).collect();
            let clipped = clip_ring(&points, viewport.width, viewport.height);
            if clipped.len() >= 3 {
                rings.push(clipped);
            }
        }
    }
    rings
}

type Pixel = (f64, f64);
/// One side of the clip rectangle: is a point inside, where does an edge cross, at what value.
type ClipEdge = (
    fn(&Pixel, f64) -> bool,
    fn(&Pixel, &Pixel, f64) -> Pixel,
    f64,
);
/// A marker's index and its pixel position.
type Projected = (usize, f64, f64);

/// Sutherland–Hodgman clipping of a closed ring to the rectangle (−2, −2)–(width+2, height+2).
/// The small margin keeps clipped edges out of sight.
pub fn clip_ring(ring: &[(f64, f64)], width: f64, height: f64) -> Vec<(f64, f64)> {
    let margin = 2.0;
    let edges: [ClipEdge; 4] = [
        (
            |p, v| p.0 >= v,
            |a, b, v| (v, a.1 + (b.1 - a.1) * (v - a.0) / (b.0 - a.0)),
            -margin,
        ),
        (
            |p, v| p.0 <= v,
            |a, b, v| (v, a.1 + (b.1 - a.1) * (v - a.0) / (b.0 - a.0)),
            width + margin,
        ),
        (
            |p, v| p.1 >= v,
            |a, b, v| (a.0 + (b.0 - a.0) * (v - a.1) / (b.1 - a.1), v),
            -margin,
        ),
        (
            |p, v| p.1 <= v,
            |a, b, v| (a.0 + (b.0 - a.0) * (v - a.1) / (b.1 - a.1), v),
            height + margin,
        ),
    ];
    let mut output: Vec<(f64, f64)> = ring.to_vec();
    if output.first() == output.last() {
        output.pop();
    }
    for (inside, intersect, value) in edges {
        let input = std::mem::take(&mut output);
        let Some(mut previous) = input.last().copied() else {
            break;
        };
        for current in input {
            match (inside(&current, value), inside(&previous, value)) {
                (true, true) => output.push(current),
                (true, false) => {
                    output.push(intersect(&previous, &current, value));
                    output.push(current);
                }
                (false, true) => output.push(intersect(&previous, &current, value)),
                (false, false) => {}
            }
            previous = current;
        }
    }
    output
}

/// A marker to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// CSS class (colour and pattern come from the stylesheet).
    pub class: String,
    /// Tooltip.
    pub title: String,
    /// Link target, if clicking should open something.
    pub href: Option<String>,
    /// Radius in pixels.
    pub radius: f64,
}

/// Markers merged because they fall in one grid cell on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Pixel position (mean of the members).
    pub x: f64,
    /// Pixel position.
    pub y: f64,
    /// The members, in input order.
    pub members: Vec<usize>,
    /// The class held by most members (ties: the first seen).
    pub class: String,
    /// The members' extent: west, south, east, north (degrees).
    pub extent: [f64; 4],
}

/// The smallest cell, in pixels: a smaller one would put each marker in a cell of its own
/// anyway, and one of (nearly) zero makes every index overflow into the same cell.
const MIN_CELL: f64 = 1.0;

/// Groups the visible markers into clusters of `cell` pixels (at least one pixel). A cluster
/// of one is a plain marker.
pub fn cluster(markers: &[Marker], viewport: &Viewport, cell: f64) -> Vec<Cluster> {
    let cell = if cell.is_finite() {
        cell.max(MIN_CELL)
    } else {
        MIN_CELL
    };
    let mut cells: std::collections::BTreeMap<(i64, i64), Vec<Projected>> =
        std::collections::BTreeMap::new();
    for (index, marker) in markers.iter().enumerate() {
        let (x, y) = viewport.project(marker.lon, marker.lat);
        if x < 0.0 || y < 0.0 || x > viewport.width || y > viewport.height {
            continue;
        }
        cells
            .entry(((x / cell) as i64, (y / cell) as i64))
            .or_default()
            .push((index, x, y));
    }
    cells
        .into_values()
        .map(|members| {
            let count = members.len() as f64;
            let x = members.iter().map(|m| m.1).sum::<f64>() / count;
            let y = members.iter().map(|m| m.2).sum::<f64>() / count;
            let mut tally: Vec<(&str, usize)> = Vec::new();
            for (index, ..) in &members {
                let class = markers[*index].class.as_str();
                match tally.iter_mut().find(|(c, _)| *c == class) {
                    Some(entry) => entry.1 += 1,
                    None => tally.push((class, 1)),
                }
            }
            let class = tally
                .iter()
                .fold(
                    ("", 0),
                    |best, &(c, n)| if n > best.1 { (c, n) } else { best },
                )
                .0
                .to_owned();
            let members: Vec<usize> = members.into_iter().map(|m| m.0).collect();
            Cluster {
                x,
                y,
                extent: extent(members.iter().map(|&i| &markers[i])),
                members,
                class,
            }
        })
        .collect()
}

/// Every visible marker on its own, in input order: for layers whose markers must each be
/// seen (a besieged town is never merged with its neighbour).
pub fn singles(markers: &[Marker], viewport: &Viewport) -> Vec<Cluster> {
    markers
        .iter()
        .enumerate()
        .filter_map(|(index, marker)| {
            let (x, y) = viewport.project(marker.lon, marker.lat);
            let visible = x >= 0.0 && y >= 0.0 && x <= viewport.width && y <= viewport.height;
            visible.then(|| Cluster {
                x,
                y,
                members: vec![index],
                class: marker.class.clone(),
                extent: [marker.lon, marker.lat, marker.lon, marker.lat],
            })
        })
        .collect()
}

fn extent<'a>(markers: impl Iterator<Item = &'a Marker>) -> [f64; 4] {
    markers.fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |[w, s, e, n], m| [w.min(m.lon), s.min(m.lat), e.max(m.lon), n.max(m.lat)],
    )
}

/// Where a cluster leads: the caller turns the members' extent (west, south, east, north)
/// into an address, such as the same map zoomed to it.
#[derive(Clone, Copy)]
pub struct ClusterLink<'a>(pub &'a (dyn Fn([f64; 4]) -> String + Sync));

/// The digits numbers on the map are written in: the page's language decides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Numerals {
    /// 0–9.
    #[default]
    Western,
    /// ٠–٩, as Arabic writes them.
    ArabicIndic,
}

impl Numerals {
    /// `n` in these digits.
    pub fn write(self, n: usize) -> String {
        let text = n.to_string();
        match self {
            Numerals::Western => text,
            Numerals::ArabicIndic => text
                .chars()
                .map(|c| {
                    c.to_digit(10)
                        .and_then(|d| char::from_u32(0x0660 + d))
                        .unwrap_or(c)
                })
                .collect(),
        }
    }
}

impl std::fmt::Debug for ClusterLink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClusterLink")
    }
}

/// The length of a scale bar at most `max_pixels` long: a round number of kilometres (1, 2 or
/// 5 times a power of ten) and its length in pixels.
pub fn scale_bar(viewport: &Viewport, max_pixels: f64) -> (f64, f64) {
    // A degree of latitude is 111.32 km; the projection keeps distances equal both ways.
    let km_per_pixel = 111.32 / viewport.pixels_per_degree();
    let most = km_per_pixel * max_pixels;
    let power = 10f64.powf(most.log10().floor());
    let km = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|step| step * power)
        .find(|km| *km <= most)
        .unwrap_or(power);
    (km, km / km_per_pixel)
}

/// A filled area to draw.
#[derive(Debug, Clone)]
pub struct Area<'a> {
    /// The outline.
    pub shape: &'a MultiPolygon<f64>,
    /// CSS class.
    pub class: String,
    /// Tooltip.
    pub title: String,
    /// Whether to overlay the hatch pattern (co-mingled, contested or disputed).
    pub hatched: bool,
    /// A text label at this point, if any.
    pub label: Option<(f64, f64, String)>,
}

/// A named group of areas or markers that the page can switch on and off.
#[derive(Debug, Clone)]
pub enum Layer<'a> {
    /// Filled areas.
    Areas {
        /// Layer id (becomes the group's `id` and `data-layer`).
        id: String,
        /// The areas.
        areas: Vec<Area<'a>>,
    },
    /// A layer already rendered by [`render_layer`] (e.g. taken from a cache).
    Rendered(std::sync::Arc<str>),
    /// Point markers, clustered when `cluster_cell` is set.
    Markers {
        /// Layer id.
        id: String,
        /// The markers.
        markers: Vec<Marker>,
        /// Cluster cell size in pixels, or `None` to draw every marker on its own.
        cluster_cell: Option<f64>,
        /// Where a cluster leads, if anywhere.
        cluster_link: Option<ClusterLink<'a>>,
        /// The digits a cluster's count is written in.
        numerals: Numerals,
    },
    /// Labels, placed so that none overlaps another; the first ones win.
    Labels {
        /// Layer id.
        id: String,
        /// The labels, most important first.
        labels: Vec<Label>,
    },
    /// A scale bar in the bottom corner: its length in pixels and its text ("50 km").
    ScaleBar {
        /// Length in pixels (see [`scale_bar`]).
        pixels: f64,
        /// The distance, as the reader's language writes it.
        text: String,
    },
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn path_data(rings: &[Vec<(f64, f64)>]) -> String {
    let mut d = String::new();
    for ring in rings {
        for (i, (x, y)) in ring.iter().enumerate() {
            let _ = write!(d, "{}{:.1} {:.1}", if i == 0 { "M" } else { "L" }, x, y);
        }
        d.push('Z');
    }
    d
}

/// The SVG group (`<g id="layer-…">…</g>`) of one layer, so that a caller can cache the layers
/// that change rarely (the areas) and redraw only the others.
pub fn render_layer(viewport: &Viewport, layer: &Layer<'_>) -> String {
    let mut svg = String::new();
    match layer {
        Layer::Rendered(group) => svg.push_str(group),
        Layer::Areas { id, areas } => {
            let _ = write!(
                svg,
                r#"<g id="layer-{id}" data-layer="{id}">"#,
                id = escape(id)
            );
            let mut labels = String::new();
            for area in areas {
                let rings = prepare(area.shape, viewport);
                if rings.is_empty() {
                    continue;
                }
                let d = path_data(&rings);
                let _ = write!(
                    svg,
                    r#"<path class="{}" d="{d}" fill-rule="evenodd"><title>{}</title></path>"#,
                    escape(&area.class),
                    escape(&area.title)
                );
                if area.hatched {
                    let _ = write!(
                        svg,
                        r#"<path class="hatch" d="{d}" fill="url(#hatch)" fill-rule="evenodd"/>"#
                    );
                }
                if let Some((lon, lat, text)) = &area.label {
                    let (x, y) = viewport.project(*lon, *lat);
                    if x >= 0.0 && y >= 0.0 && x <= viewport.width && y <= viewport.height {
                        let _ = write!(
                            labels,
                            r#"<text x="{x:.1}" y="{y:.1}" class="label">{}</text>"#,
                            escape(text)
                        );
                    }
                }
            }
            svg.push_str(&labels);
            svg.push_str("</g>");
        }
        Layer::Labels { id, labels } => {
            let _ = write!(
                svg,
                r#"<g id="layer-{id}" data-layer="{id}">"#,
                id = escape(id)
            );
            labels::render_labels(&mut svg, labels, viewport);
            svg.push_str("</g>");
        }
        Layer::ScaleBar { pixels, text } => {
            let (x, y) = (10.0, viewport.height - 12.0);
            let _ = write!(
                svg,
                r#"<g class="scale"><line x1="{x:.1}" y1="{y:.1}" x2="{x2:.1}" y2="{y:.1}"/><line x1="{x:.1}" y1="{t:.1}" x2="{x:.1}" y2="{y:.1}"/><line x1="{x2:.1}" y1="{t:.1}" x2="{x2:.1}" y2="{y:.1}"/><text x="{x:.1}" y="{ty:.1}">{}</text></g>"#,
                escape(text),
                x2 = x + pixels,
                t = y - 5.0,
                ty = y - 7.0,
            );
        }
        Layer::Markers {
            id,
            markers,
            cluster_cell,
            cluster_link,
            numerals,
        } => {
            let _ = write!(
                svg,
                r#"<g id="layer-{id}" data-layer="{id}">"#,
                id = escape(id)
            );
            let groups = match cluster_cell {
                Some(cell) => cluster(markers, viewport, *cell),
                None => singles(markers, viewport),
            };
            for group in groups {
                if let [only] = group.members[..] {
                    let marker = &markers[only];
                    let circle = format!(
                        r#"<circle cx="{:.1}" cy="{:.1}" r="{:.1}" class="{}"><title>{}</title></circle>"#,
                        group.x,
                        group.y,
                        marker.radius,
                        escape(&marker.class),
                        escape(&marker.title)
                    );
                    match &marker.href {
                        Some(href) => {
                            let _ = write!(svg, r#"<a href="{}">{circle}</a>"#, escape(href));
                        }
                        None => svg.push_str(&circle),
                    }
                } else {
                    let radius = 6.0 + (group.members.len() as f64).sqrt() * 2.0;
                    let count = numerals.write(group.members.len());
                    let drawn = format!(
                        r#"<g class="cluster {class}"><circle cx="{x:.1}" cy="{y:.1}" r="{radius:.1}"/><text x="{x:.1}" y="{y:.1}" dy="0.35em">{count}</text><title>{count}</title></g>"#,
                        class = escape(&group.class),
                        x = group.x,
                        y = group.y,
                    );
                    match cluster_link {
                        Some(ClusterLink(link)) => {
                            let _ = write!(
                                svg,
                                r#"<a href="{}">{drawn}</a>"#,
                                escape(&link(group.extent))
                            );
                        }
                        None => svg.push_str(&drawn),
                    }
                }
            }
            svg.push_str("</g>");
        }
    }

    svg
}

/// Writes the SVG for the layers, in order (the first is at the bottom).
pub fn render(viewport: &Viewport, layers: &[Layer<'_>], title: &str) -> String {
    let mut svg = String::with_capacity(64 * 1024);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" aria-label="{t}" data-bbox="{b0},{b1},{b2},{b3}"><title>{t}</title><defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern></defs>"#,
        w = viewport.width,
        h = viewport.height,
        t = escape(title),
        b0 = viewport.bbox[0],
        b1 = viewport.bbox[1],
        b2 = viewport.bbox[2],
        b3 = viewport.bbox[3],
    );
    for layer in layers {
        svg.push_str(&render_layer(viewport, layer));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Polygon, polygon};

    fn square(x0: f64, y0: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![
            polygon![(x: x0, y: y0), (x: x0 + size, y: y0), (x: x0 + size, y: y0 + size), (x: x0, y: y0 + size)],
        ])
    }

    #[test]
    fn projection_maps_the_box_to_the_picture_and_back() {
        let view = Viewport::fit([35.6, 32.3, 42.4, 37.4], 800.0);
        let (x, y) = view.project(35.6, 37.4);
        assert!(x.abs() < 1e-9 && y.abs() < 1e-9);
        let (x, y) = view.project(42.4, 32.3);
        assert!((x - 800.0).abs() < 1e-6);
        assert!((y - view.height).abs() < 1.0);
        let (lon, lat) = view.unproject(400.0, 200.0);
        let (x, y) = view.project(lon, lat);
        assert!((x - 400.0).abs() < 1e-9 && (y - 200.0).abs() < 1e-9);
        // North is up.
        assert!(view.project(38.0, 36.0).1 < view.project(38.0, 34.0).1);
    }

    #[test]
    fn clipping_keeps_what_is_inside_and_cuts_at_the_edge() {
        let inside = vec![
            (10.0, 10.0),
            (20.0, 10.0),
            (20.0, 20.0),
            (10.0, 20.0),
            (10.0, 10.0),
        ];
        assert_eq!(clip_ring(&inside, 100.0, 100.0).len(), 4);
        let across = vec![(-50.0, 10.0), (50.0, 10.0), (50.0, 20.0), (-50.0, 20.0)];
        let clipped = clip_ring(&across, 100.0, 100.0);
        assert!(clipped.iter().all(|(x, _)| *x >= -2.0));
        let outside = vec![(200.0, 200.0), (300.0, 200.0), (300.0, 300.0)];
        assert!(clip_ring(&outside, 100.0, 100.0).is_empty());
    }

    #[test]
    fn simplification_keeps_fewer_vertices_when_zoomed_out() {
        // A wiggly line of 2,000 vertices along a 1° square.
        let n = 2000;
        let mut ring: Vec<(f64, f64)> = (0..n)
            .map(|i| (36.0 + i as f64 / n as f64, 34.0 + 0.0005 * ((i % 2) as f64)))
            .collect();
        ring.extend([(37.0, 35.0), (36.0, 35.0), (36.0, 34.0)]);
        let shape = MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]);
        let far = Viewport::fit([35.0, 33.0, 38.0, 36.0], 300.0);
        let near = far.zoomed(36.5, 34.0, 200.0);
        let far_count: usize = prepare(&shape, &far).iter().map(Vec::len).sum();
        let near_count: usize = prepare(&shape, &near).iter().map(Vec::len).sum();
        assert!(far_count < 20, "{far_count}");
        assert!(near_count > far_count * 5, "{near_count} vs {far_count}");
    }

    #[test]
    fn nearby_markers_cluster_and_distant_ones_do_not() {
        let view = Viewport::fit([35.0, 32.0, 43.0, 38.0], 800.0);
        let markers = vec![
            marker(36.20, 36.20, "covered"),
            marker(36.21, 36.21, "covered"),
            marker(36.22, 36.20, "excluded"),
            marker(40.00, 35.00, "pre_start"),
        ];
        let clusters = cluster(&markers, &view, 24.0);
        assert_eq!(clusters.len(), 2);
        let big = clusters.iter().find(|c| c.members.len() == 3).unwrap();
        assert_eq!(big.class, "covered");
        // Zoomed in far enough, the three separate.
        let close = view.zoomed(36.21, 36.2, 64.0);
        assert_eq!(
            cluster(&markers, &close, 24.0)
                .iter()
                .filter(|c| c.members.len() == 1)
                .count(),
            3
        );
    }

    #[test]
    fn a_small_map_renders_to_the_expected_svg() {
        let view = Viewport::fit([0.0, 0.0, 2.0, 1.0], 200.0);
        let left = square(0.0, 0.0, 1.0);
        let right = square(1.0, 0.0, 1.0);
        let layers = [
            Layer::Areas {
                id: "control".to_owned(),
                areas: vec![
                    Area {
                        shape: &left,
                        class: "ctl-gos".to_owned(),
                        title: "Government <approximate>".to_owned(),
                        hatched: false,
                        label: Some((0.5, 0.5, "A".to_owned())),
                    },
                    Area {
                        shape: &right,
                        class: "ctl-opposition".to_owned(),
                        title: "Opposition".to_owned(),
                        hatched: true,
                        label: None,
                    },
                ],
            },
            Layer::Markers {
                id: "incidents".to_owned(),
                markers: vec![Marker {
                    lon: 0.25,
                    lat: 0.75,
                    class: "covered".to_owned(),
                    title: "i1".to_owned(),
                    href: Some("/incidents/i1".to_owned()),
                    radius: 3.0,
                }],
                cluster_cell: Some(20.0),
                cluster_link: None,
                numerals: Numerals::Western,
            },
        ];
        let svg = render(&view, &layers, "Test & map");
        let expected = [
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" width="200" height="100" role="img" aria-label="Test &amp; map" data-bbox="0,0,2,1"><title>Test &amp; map</title>"#,
            r#"<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern></defs>"#,
            r#"<g id="layer-control" data-layer="control">"#,
            r#"<path class="ctl-gos" d="M0.0 100.0L100.0 100.0L100.0 0.0L0.0 0.0Z" fill-rule="evenodd"><title>Government &lt;approximate&gt;</title></path>"#,
            r#"<path class="ctl-opposition" d="M100.0 100.0L200.0 100.0L200.0 0.0L100.0 0.0Z" fill-rule="evenodd"><title>Opposition</title></path>"#,
            r#"<path class="hatch" d="M100.0 100.0L200.0 100.0L200.0 0.0L100.0 0.0Z" fill="url(#hatch)" fill-rule="evenodd"/>"#,
            r#"<text x="50.0" y="50.0" class="label">A</text></g>"#,
            r#"<g id="layer-incidents" data-layer="incidents"><a href="/incidents/i1"><circle cx="25.0" cy="25.0" r="3.0" class="covered"><title>i1</title></circle></a></g></svg>"#,
        ]
        .concat();
        assert_eq!(svg, expected);
    }

    fn marker(lon: f64, lat: f64, class: &str) -> Marker {
        Marker {
            lon,
            lat,
            class: class.to_owned(),
            title: String::new(),
            href: None,
            radius: 4.0,
        }
    }

    #[test]
    fn without_clustering_every_marker_is_drawn_even_when_they_touch() {
        // Fifteen besieged places around Damascus at the country view: a few pixels apart.
        let view = Viewport::fit([35.6, 32.3, 42.4, 37.4], 960.0);
        let markers: Vec<Marker> = (0..15)
            .map(|i| marker(36.2 + 0.01 * i as f64, 33.5 + 0.005 * i as f64, "besieged"))
            .collect();
        let layer = Layer::Markers {
            id: "besieged".to_owned(),
            markers: markers.clone(),
            cluster_cell: None,
            cluster_link: None,
            numerals: Numerals::Western,
        };
        let svg = render_layer(&view, &layer);
        assert_eq!(svg.matches("<circle").count(), 15);
        assert!(!svg.contains("cluster"));
        // A cell of next to nothing no longer puts them all in one cell.
        assert_eq!(cluster(&markers, &view, f64::MIN_POSITIVE).len(), 15);
        assert_eq!(cluster(&markers, &view, f64::NAN).len(), 15);
        // A cell of 22 pixels does merge them (a cell's edge may fall between two).
        assert!(cluster(&markers, &view, 22.0).len() <= 3);
    }

    #[test]
    fn a_cluster_links_to_its_members_extent() {
        let view = Viewport::fit([35.0, 32.0, 43.0, 38.0], 800.0);
        let markers = vec![
            marker(36.20, 36.20, "covered"),
            marker(36.23, 36.25, "covered"),
            marker(40.00, 35.00, "covered"),
        ];
        let link = |[w, s, e, n]: [f64; 4]| format!("/map?bbox={w},{s},{e},{n}");
        let svg = render_layer(
            &view,
            &Layer::Markers {
                id: "incidents".to_owned(),
                markers,
                cluster_cell: Some(22.0),
                cluster_link: Some(ClusterLink(&link)),
                numerals: Numerals::ArabicIndic,
            },
        );
        assert!(
            svg.contains(
                r#"<a href="/map?bbox=36.2,36.2,36.23,36.25"><g class="cluster covered">"#
            ),
            "{svg}"
        );
        // A single marker is not a cluster and keeps its own (absent) link.
        assert_eq!(svg.matches("<a ").count(), 1);
        // Its count in the page's digits (here Arabic).
        assert!(svg.contains(r#"dy="0.35em">٢</text>"#), "{svg}");
    }

    #[test]
    fn the_scale_bar_is_a_round_distance_that_fits() {
        let country = Viewport::fit([35.6, 32.3, 42.4, 37.4], 960.0);
        let (km, pixels) = scale_bar(&country, 120.0);
        // 120 pixels are 78 km at the country's width.
        assert_eq!(km, 50.0);
        assert!(pixels <= 120.0 && pixels > 40.0, "{pixels}");
        let close = country.zoomed(36.3, 33.5, 32.0);
        let (km, pixels) = scale_bar(&close, 120.0);
        assert_eq!(km, 2.0);
        assert!(pixels <= 120.0 && pixels > 40.0, "{pixels}");
    }

    #[test]
    fn labels_and_the_palette_render_to_the_expected_svg() {
        let view = Viewport::fit([0.0, 0.0, 2.0, 1.0], 200.0);
        let layers = [
            Layer::Labels {
                id: "labels".to_owned(),
                labels: vec![
                    Label {
                        lon: 1.0,
                        lat: 0.5,
                        text: "Homs".to_owned(),
                        class: "gov".to_owned(),
                        size: 13.0,
                        gap: 0.0,
                        dot: false,
                    },
                    Label {
                        lon: 0.5,
                        lat: 0.5,
                        text: "Tadmor".to_owned(),
                        class: "town-2".to_owned(),
                        size: 11.0,
                        gap: 2.0,
                        dot: true,
                    },
                    // Where Homs's name already is: left out.
                    Label {
                        lon: 1.0,
                        lat: 0.5,
                        text: "Hidden".to_owned(),
                        class: "town-3".to_owned(),
                        size: 10.0,
                        gap: 2.0,
                        dot: true,
                    },
                ],
            },
            Layer::ScaleBar {
                pixels: 55.7,
                text: "100 km".to_owned(),
            },
        ];
        let svg: String = layers.iter().map(|l| render_layer(&view, l)).collect();
        let expected = concat!(
            r#"<g id="layer-labels" data-layer="labels"><circle cx="50.0" cy="50.0" r="2.0" class="dot-town-2"/>"#,
            r#"<text x="100.0" y="50.0" dy="0.35em" class="gov">Homs</text>"#,
            r#"<text x="25.7" y="50.0" dy="0.35em" class="town-2">Tadmor</text></g>"#,
            r#"<g class="scale"><line x1="10.0" y1="88.0" x2="65.7" y2="88.0"/><line x1="10.0" y1="83.0" x2="10.0" y2="88.0"/><line x1="65.7" y1="83.0" x2="65.7" y2="88.0"/><text x="10.0" y="81.0">100 km</text></g>"#,
        );
        assert_eq!(svg, expected);
        // Each label of the palette has its colour and its stroke pattern in the map's style.
        let style = palette::style();
        assert!(
            style.contains(".lbl-covered{fill:#D55E00;background:#D55E00;stroke-dasharray:none}")
        );
        assert!(style.contains(
            ".lbl-coverage_disputed{fill:#CC79A7;background:#CC79A7;stroke-dasharray:2 1}"
        ));
        assert!(style.contains(".ctl-gos{fill:#c6d7e8;background:#c6d7e8}"));
        // No incident colour is also a basemap colour.
        for (_, fill, _) in palette::INCIDENTS {
            assert!(
                palette::CONTROL
                    .iter()
                    .all(|(_, c)| !c.eq_ignore_ascii_case(fill))
            );
        }
    }

    #[test]
    fn all_of_syria_at_page_width_stays_small() {
        let scenario = truce_scenario::load(None).unwrap();
        let view = Viewport::fit([35.6, 32.3, 42.4, 37.4], 900.0);
        let areas: Vec<Area<'_>> = scenario
            .admin3
            .units()
            .iter()
            .map(|unit| Area {
                shape: &unit.shape,
                class: "admin3".to_owned(),
                title: unit.name_en.clone(),
                hatched: false,
                label: None,
            })
            .collect();
        let svg = render(
            &view,
            &[Layer::Areas {
                id: "admin3".to_owned(),
                areas,
            }],
            "Syria",
        );
        assert!(svg.len() < 400_000, "{} bytes", svg.len());
        let raw_vertices: usize = scenario
            .admin3
            .units()
            .iter()
            .map(|u| geo::CoordsIter::coords_count(&*u.shape))
            .sum();
        let drawn = svg.matches('L').count();
        assert!(drawn * 4 < raw_vertices, "{drawn} drawn of {raw_vertices}");
    }
}
