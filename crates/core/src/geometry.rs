//! Point-in-area tests fast enough to classify millions of points a second.
//!
//! Two levels: an R-tree over bounding boxes finds the few areas whose box holds the point, and
//! each area keeps its edges bucketed into horizontal bands, so that the ray cast of the
//! even-odd test only visits the edges near the point's latitude instead of every vertex of a
//! sub-district.
//!
//! Areas are closed: a point exactly on an edge or vertex is inside. Two neighbouring areas
//! therefore both contain the points of their shared border, which is what a monitor expects
//! ("on the line between A and B" is in both).

use geo::{BoundingRect, MultiPolygon};
use rstar::{AABB, RTree, RTreeObject};

/// One straight edge of a ring, as stored in a band bucket.
#[derive(Debug, Clone, Copy)]
struct Edge {
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

impl Edge {
    fn min_x(&self) -> f64 {
        self.x1.min(self.x2)
    }
    fn max_x(&self) -> f64 {
        self.x1.max(self.x2)
    }
    fn min_y(&self) -> f64 {
        self.y1.min(self.y2)
    }
    fn max_y(&self) -> f64 {
        self.y1.max(self.y2)
    }
}

/// Average number of edges per band that the index aims for.
const EDGES_PER_BAND: usize = 4;
const MAX_BANDS: usize = 1 << 16;

/// What a grid cell knows about the area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// No edge passes through: the whole cell is inside.
    Inside,
    /// No edge passes through: the whole cell is outside.
    Outside,
    /// An edge may pass through: test the point itself.
    Boundary,
}

/// Cells per side of an area's grid, at most; small areas get fewer.
const MAX_GRID: usize = 128;

/// A (multi)polygon prepared for repeated point-in-polygon tests.
///
/// Besides the band buckets, a coarse grid over the bounding box records the cells that no edge
/// crosses as wholly inside or outside, so most points are answered without a ray cast.
#[derive(Debug, Clone)]
pub struct IndexedArea {
    min: [f64; 2],
    max: [f64; 2],
    grid: usize,
    cell_size: [f64; 2],
    cells: Vec<Cell>,
    band_height: f64,
    /// `band_start[i]..band_start[i + 1]` is the slice of `edges` for band `i`.
    band_start: Vec<u32>,
    edges: Vec<Edge>,
}

impl IndexedArea {
    /// Prepares `shape`. Holes and several parts are handled by the even-odd rule, which is
    /// exact for valid multipolygons (parts do not overlap, holes lie inside their shell).
    pub fn new(shape: &MultiPolygon<f64>) -> Self {
        let all_edges: Vec<Edge> = shape
            .iter()
            .flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()))
            .flat_map(|ring| {
                ring.lines().map(|line| Edge {
                    x1: line.start.x,
                    y1: line.start.y,
                    x2: line.end.x,
                    y2: line.end.y,
                })
            })
            .collect();
        let (min, max) = match shape.bounding_rect() {
            Some(rect) => ([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]),
            // An empty shape contains nothing: an inverted box rejects every point.
            None => ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
        };
        let height = max[1] - min[1];
        let band_count = if height > 0.0 {
            (all_edges.len() / EDGES_PER_BAND).clamp(1, MAX_BANDS)
        } else {
            1
        };
        let band_height = if height > 0.0 {
            height / band_count as f64
        } else {
            1.0
        };
        let band_of = |y: f64| -> usize {
            let band = ((y - min[1]) / band_height) as usize;
            band.min(band_count - 1)
        };
        let mut buckets: Vec<Vec<Edge>> = vec![Vec::new(); band_count];
        for edge in &all_edges {
            for bucket in &mut buckets[band_of(edge.min_y())..=band_of(edge.max_y())] {
                bucket.push(*edge);
            }
        }
        let mut band_start = Vec::with_capacity(band_count + 1);
        let mut edges = Vec::new();
        for bucket in buckets {
            band_start.push(edges.len() as u32);
            edges.extend(bucket);
        }
        band_start.push(edges.len() as u32);
        let mut area = IndexedArea {
            min,
            max,
            grid: 1,
            cell_size: [f64::INFINITY; 2],
            cells: vec![Cell::Boundary],
            band_height,
            band_start,
            edges,
        };
        area.build_grid(&all_edges);
        area
    }

    fn build_grid(&mut self, edges: &[Edge]) {
        let width = self.max[0] - self.min[0];
        let height = self.max[1] - self.min[1];
        if !(width > 0.0 && height > 0.0) {
            return;
        }
        let grid = ((edges.len() as f64).sqrt() as usize * 2).clamp(1, MAX_GRID);
        let cell_size = [width / grid as f64, height / grid as f64];
        let cell_of = |value: f64, axis: usize| {
            (((value - self.min[axis]) / cell_size[axis]) as usize).min(grid - 1)
        };
        let mut boundary = vec![false; grid * grid];
        // Every cell an edge's box overlaps may hold part of the edge: conservative, never wrong.
        for edge in edges {
            for row in cell_of(edge.min_y(), 1)..=cell_of(edge.max_y(), 1) {
                for column in cell_of(edge.min_x(), 0)..=cell_of(edge.max_x(), 0) {
                    boundary[row * grid + column] = true;
                }
            }
        }
        self.grid = grid;
        self.cell_size = cell_size;
        self.cells = Vec::with_capacity(grid * grid);
        for row in 0..grid {
            for column in 0..grid {
                let cell = if boundary[row * grid + column] {
                    Cell::Boundary
                } else {
                    let x = self.min[0] + (column as f64 + 0.5) * cell_size[0];
                    let y = self.min[1] + (row as f64 + 0.5) * cell_size[1];
                    if self.ray_cast(x, y) {
                        Cell::Inside
                    } else {
                        Cell::Outside
                    }
                };
                self.cells.push(cell);
            }
        }
    }

    /// The bounding box as `(min, max)` corners, `[x, y]` = `[lon, lat]`.
    pub fn bounds(&self) -> ([f64; 2], [f64; 2]) {
        (self.min, self.max)
    }

    /// Whether the point `(x, y)` lies inside the area or on its boundary.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        if !(x >= self.min[0] && x <= self.max[0] && y >= self.min[1] && y <= self.max[1]) {
            return false;
        }
        let column = (((x - self.min[0]) / self.cell_size[0]) as usize).min(self.grid - 1);
        let row = (((y - self.min[1]) / self.cell_size[1]) as usize).min(self.grid - 1);
        match self.cells[row * self.grid + column] {
            Cell::Inside => true,
            Cell::Outside => false,
            Cell::Boundary => self.ray_cast(x, y),
        }
    }

    /// The even-odd test over the edges of the point's band (boundary counts as inside).
    fn ray_cast(&self, x: f64, y: f64) -> bool {
        let band_count = self.band_start.len() - 1;
        let band = (((y - self.min[1]) / self.band_height) as usize).min(band_count - 1);
        let edges = &self.edges[self.band_start[band] as usize..self.band_start[band + 1] as usize];
        let mut inside = false;
        for edge in edges {
            if (edge.y1 > y) != (edge.y2 > y) {
                let x_cross = edge.x1 + (y - edge.y1) * (edge.x2 - edge.x1) / (edge.y2 - edge.y1);
                if x == x_cross {
                    return true;
                }
                if x < x_cross {
                    inside = !inside;
                }
            } else if y >= edge.min_y()
                && y <= edge.max_y()
                && x >= edge.min_x()
                && x <= edge.max_x()
                && on_segment(edge, x, y)
            {
                return true;
            }
        }
        inside
    }
}

/// Exact collinearity test for a point already known to be inside the edge's box.
fn on_segment(edge: &Edge, x: f64, y: f64) -> bool {
    (edge.x2 - edge.x1) * (y - edge.y1) == (edge.y2 - edge.y1) * (x - edge.x1)
}

#[derive(Debug, Clone)]
struct Entry {
    envelope: AABB<[f64; 2]>,
    slot: u32,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// A set of areas with an R-tree over their bounding boxes.
///
/// For the hot path the R-tree's answers are precomputed into a lookup grid: each cell of a
/// uniform grid over all the areas lists the areas whose box overlaps it, so a point lookup is
/// one array index and a short list instead of a tree walk.
#[derive(Debug, Clone, Default)]
pub struct AreaIndex {
    tree: RTree<Entry>,
    areas: Vec<IndexedArea>,
    lookup: LookupGrid,
}

#[derive(Debug, Clone, Default)]
struct LookupGrid {
    min: [f64; 2],
    cell_size: [f64; 2],
    columns: usize,
    rows: usize,
    /// `cell_start[i]..cell_start[i + 1]` is the slice of `slots` for cell `i`.
    cell_start: Vec<u32>,
    slots: Vec<u32>,
}

/// Lookup cells per area, roughly: enough that a cell meets only a few areas.
const LOOKUP_CELLS_PER_AREA: usize = 64;
const MAX_LOOKUP_SIDE: usize = 512;

impl LookupGrid {
    fn new(tree: &RTree<Entry>) -> Self {
        let envelope = tree.root().envelope();
        let (min, max) = (envelope.lower(), envelope.upper());
        let width = max[0] - min[0];
        let height = max[1] - min[1];
        if tree.size() == 0 || !(width > 0.0 && height > 0.0) {
            return LookupGrid::default();
        }
        let side = ((tree.size() * LOOKUP_CELLS_PER_AREA) as f64).sqrt() as usize;
        let side = side.clamp(1, MAX_LOOKUP_SIDE);
        let (columns, rows) = (side, side);
        let cell_size = [width / columns as f64, height / rows as f64];
        let mut cell_start = Vec::with_capacity(columns * rows + 1);
        let mut slots = Vec::new();
        for row in 0..rows {
            for column in 0..columns {
                cell_start.push(slots.len() as u32);
                let lower = [
                    min[0] + column as f64 * cell_size[0],
                    min[1] + row as f64 * cell_size[1],
                ];
                let upper = [lower[0] + cell_size[0], lower[1] + cell_size[1]];
                let mut found: Vec<u32> = tree
                    .locate_in_envelope_intersecting(&AABB::from_corners(lower, upper))
                    .map(|entry| entry.slot)
                    .collect();
                found.sort_unstable();
                slots.extend(found);
            }
        }
        cell_start.push(slots.len() as u32);
        LookupGrid {
            min,
            cell_size,
            columns,
            rows,
            cell_start,
            slots,
        }
    }

    /// The areas whose box may hold the point.
    fn candidates(&self, x: f64, y: f64) -> &[u32] {
        let column = (x - self.min[0]) / self.cell_size[0];
        let row = (y - self.min[1]) / self.cell_size[1];
        // Points on the far edge belong to the last cell; anything else outside has no candidate.
        if !(column >= 0.0
            && row >= 0.0
            && column <= self.columns as f64
            && row <= self.rows as f64)
        {
            return &[];
        }
        let column = (column as usize).min(self.columns - 1);
        let row = (row as usize).min(self.rows - 1);
        let cell = row * self.columns + column;
        &self.slots[self.cell_start[cell] as usize..self.cell_start[cell + 1] as usize]
    }
}

impl AreaIndex {
    /// Indexes `areas`; [`AreaIndex::containing`] reports positions in this order.
    pub fn new(areas: Vec<IndexedArea>) -> Self {
        let entries = areas
            .iter()
            .enumerate()
            .filter(|(_, area)| area.min[0] <= area.max[0])
            .map(|(slot, area)| Entry {
                envelope: AABB::from_corners(area.min, area.max),
                slot: slot as u32,
            })
            .collect();
        let tree = RTree::bulk_load(entries);
        let lookup = LookupGrid::new(&tree);
        AreaIndex {
            tree,
            areas,
            lookup,
        }
    }

    /// Number of indexed areas.
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    /// Whether the index holds no area.
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// The area at `slot`.
    pub fn area(&self, slot: usize) -> &IndexedArea {
        &self.areas[slot]
    }

    /// Positions of every area that contains the point, in increasing order.
    pub fn containing(&self, x: f64, y: f64) -> impl Iterator<Item = usize> + '_ {
        self.lookup
            .candidates(x, y)
            .iter()
            .map(|&slot| slot as usize)
            .filter(move |&slot| self.areas[slot].contains(x, y))
    }

    /// Positions of the areas whose bounding box meets the box from `lower` to `upper`.
    pub fn intersecting_box(
        &self,
        lower: [f64; 2],
        upper: [f64; 2],
    ) -> impl Iterator<Item = usize> + '_ {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_corners(lower, upper))
            .map(|entry| entry.slot as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, Coord, LineString, Polygon, polygon};
    use proptest::prelude::*;

    fn square_with_hole() -> MultiPolygon<f64> {
        let outer = LineString::from(vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        let hole = LineString::from(vec![
            (4.0, 4.0),
            (6.0, 4.0),
            (6.0, 6.0),
            (4.0, 6.0),
            (4.0, 4.0),
        ]);
        MultiPolygon(vec![Polygon::new(outer, vec![hole])])
    }

    #[test]
    fn a_point_inside_is_contained_and_one_outside_is_not() {
        let area = IndexedArea::new(&square_with_hole());
        assert!(area.contains(1.0, 1.0));
        assert!(!area.contains(11.0, 1.0));
        assert!(!area.contains(-0.5, 5.0));
    }

    #[test]
    fn a_point_in_a_hole_is_outside() {
        let area = IndexedArea::new(&square_with_hole());
        assert!(!area.contains(5.0, 5.0));
    }

    #[test]
    fn points_on_edges_and_vertices_count_as_inside() {
        let area = IndexedArea::new(&square_with_hole());
        assert!(area.contains(10.0, 5.0), "right edge");
        assert!(area.contains(5.0, 0.0), "bottom edge");
        assert!(area.contains(0.0, 0.0), "vertex");
        assert!(area.contains(4.0, 5.0), "edge of the hole");
        let triangle = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 0.0, y: 4.0)],
        ]);
        let area = IndexedArea::new(&triangle);
        assert!(area.contains(2.0, 2.0), "diagonal edge");
        assert!(!area.contains(2.5, 2.0));
    }

    #[test]
    fn an_index_returns_every_area_holding_the_point() {
        let left = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
        ]);
        let right = MultiPolygon(vec![
            polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)],
        ]);
        let index = AreaIndex::new(vec![IndexedArea::new(&left), IndexedArea::new(&right)]);
        let mut on_border: Vec<usize> = index.containing(1.0, 0.5).collect();
        on_border.sort();
        assert_eq!(on_border, vec![0, 1]);
        assert_eq!(index.containing(0.5, 0.5).collect::<Vec<_>>(), vec![0]);
        assert_eq!(index.containing(5.0, 0.5).count(), 0);
    }

    /// A star-shaped ring with `n` vertices around (0, 0), radii varying with the angle.
    fn star(radii: &[f64]) -> Vec<Coord<f64>> {
        let n = radii.len();
        radii
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let angle = i as f64 / n as f64 * std::f64::consts::TAU;
                Coord {
                    x: r * angle.cos(),
                    y: r * angle.sin(),
                }
            })
            .collect()
    }

    fn ring(mut coords: Vec<Coord<f64>>) -> LineString<f64> {
        coords.push(coords[0]);
        LineString::from(coords)
    }

    proptest! {
        #[test]
        fn vertex_order_and_ring_rotation_do_not_change_results(
            radii in prop::collection::vec(1.0f64..10.0, 3..40),
            rotation in 0usize..40,
            points in prop::collection::vec((-11.0f64..11.0, -11.0f64..11.0), 1..50),
        ) {
            let coords = star(&radii);
            let base = IndexedArea::new(&MultiPolygon(vec![Polygon::new(ring(coords.clone()), vec![])]));
            let mut rotated = coords.clone();
            rotated.rotate_left(rotation % coords.len());
            let rotated = IndexedArea::new(&MultiPolygon(vec![Polygon::new(ring(rotated), vec![])]));
            let mut reversed = coords.clone();
            reversed.reverse();
            let reversed = IndexedArea::new(&MultiPolygon(vec![Polygon::new(ring(reversed), vec![])]));
            for (x, y) in points {
                let expected = base.contains(x, y);
                prop_assert_eq!(rotated.contains(x, y), expected);
                prop_assert_eq!(reversed.contains(x, y), expected);
            }
        }

        #[test]
        fn agrees_with_geo_away_from_the_boundary(
            radii in prop::collection::vec(1.0f64..10.0, 3..60),
            points in prop::collection::vec((-11.0f64..11.0, -11.0f64..11.0), 1..50),
        ) {
            let polygon = Polygon::new(ring(star(&radii)), vec![]);
            let area = IndexedArea::new(&MultiPolygon(vec![polygon.clone()]));
            for (x, y) in points {
                let point = geo::Point::new(x, y);
                // geo's Contains excludes the boundary; random points land on it with probability 0.
                prop_assert_eq!(area.contains(x, y), polygon.contains(&point));
            }
        }
    }
}

/// Why a (multi)polygon is not valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ShapeError {
    /// No polygon at all.
    #[error("the shape has no polygon")]
    Empty,
    /// A coordinate is NaN or infinite.
    #[error("a coordinate is not a finite number")]
    NotFinite,
    /// A ring with fewer than three distinct points.
    #[error("a ring of polygon {polygon} has fewer than 3 distinct points")]
    DegenerateRing {
        /// 1-based polygon number.
        polygon: usize,
    },
    /// Two edges cross or overlap.
    #[error("edges cross near ({x:.6}, {y:.6}): the outline intersects itself")]
    SelfIntersection {
        /// Longitude near the crossing.
        x: f64,
        /// Latitude near the crossing.
        y: f64,
    },
    /// A hole not inside its shell.
    #[error("a hole of polygon {polygon} lies outside its exterior ring")]
    HoleOutside {
        /// 1-based polygon number.
        polygon: usize,
    },
    /// One part of a multipolygon inside another.
    #[error("polygon {inner} lies inside polygon {outer}")]
    NestedParts {
        /// 1-based number of the inner part.
        inner: usize,
        /// 1-based number of the outer part.
        outer: usize,
    },
}

/// Checks that a (multi)polygon is valid enough for the even-odd test to be right: finite
/// coordinates, rings of at least three points, no two edges crossing or overlapping (edges
/// that follow each other in a ring share their end point), holes inside their shells and parts
/// outside each other.
///
/// Written for outlines of thousands of vertices: edges are bucketed into bands and sorted, so
/// the check is close to linear instead of comparing every pair.
pub fn check_shape(shape: &MultiPolygon<f64>) -> Result<(), ShapeError> {
    use geo::CoordsIter;
    if shape.0.is_empty() {
        return Err(ShapeError::Empty);
    }
    if shape
        .coords_iter()
        .any(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return Err(ShapeError::NotFinite);
    }
    // Each edge remembers its ring and position, to tell neighbours from strangers.
    let mut edges: Vec<(Edge, usize, usize, usize)> = Vec::new();
    let mut ring_id = 0;
    for (polygon_number, polygon) in shape.iter().enumerate() {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            let mut distinct: Vec<(u64, u64)> = ring
                .coords()
                .map(|c| (c.x.to_bits(), c.y.to_bits()))
                .collect();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() < 3 {
                return Err(ShapeError::DegenerateRing {
                    polygon: polygon_number + 1,
                });
            }
            let ring_edges: Vec<Edge> = ring
                .lines()
                .filter(|line| line.start != line.end)
                .map(|line| Edge {
                    x1: line.start.x,
                    y1: line.start.y,
                    x2: line.end.x,
                    y2: line.end.y,
                })
                .collect();
            let count = ring_edges.len();
            edges.extend(
                ring_edges
                    .into_iter()
                    .enumerate()
                    .map(|(position, edge)| (edge, ring_id, position, count)),
            );
            ring_id += 1;
        }
    }
    find_crossing(&edges)?;
    for (number, polygon) in shape.iter().enumerate() {
        let exterior = IndexedArea::new(&MultiPolygon(vec![geo::Polygon::new(
            polygon.exterior().clone(),
            vec![],
        )]));
        for hole in polygon.interiors() {
            if hole.coords().any(|c| !exterior.contains(c.x, c.y)) {
                return Err(ShapeError::HoleOutside {
                    polygon: number + 1,
                });
            }
        }
    }
    if shape.0.len() > 1 {
        let parts: Vec<IndexedArea> = shape
            .iter()
            .map(|polygon| {
                IndexedArea::new(&MultiPolygon(vec![geo::Polygon::new(
                    polygon.exterior().clone(),
                    vec![],
                )]))
            })
            .collect();
        let index = AreaIndex::new(parts);
        for (inner, polygon) in shape.iter().enumerate() {
            // No edges cross, so one vertex strictly inside another part means the whole part is.
            let probe = polygon.exterior().0[0];
            if let Some(outer) = index
                .containing(probe.x, probe.y)
                .find(|&outer| outer != inner)
            {
                let in_hole = shape.0[outer].interiors().iter().any(|hole| {
                    IndexedArea::new(&MultiPolygon(vec![geo::Polygon::new(hole.clone(), vec![])]))
                        .contains(probe.x, probe.y)
                });
                if !in_hole {
                    return Err(ShapeError::NestedParts {
                        inner: inner + 1,
                        outer: outer + 1,
                    });
                }
            }
        }
    }
    Ok(())
}

fn find_crossing(edges: &[(Edge, usize, usize, usize)]) -> Result<(), ShapeError> {
    let (min_y, max_y) = edges
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (e, ..)| {
            (lo.min(e.min_y()), hi.max(e.max_y()))
        });
    let band_count = (edges.len() / EDGES_PER_BAND).clamp(1, MAX_BANDS);
    let height = (max_y - min_y).max(f64::MIN_POSITIVE);
    let band_of =
        |y: f64| (((y - min_y) / height * band_count as f64) as usize).min(band_count - 1);
    let mut bands: Vec<Vec<usize>> = vec![Vec::new(); band_count];
    for (slot, (edge, ..)) in edges.iter().enumerate() {
        for band in &mut bands[band_of(edge.min_y())..=band_of(edge.max_y())] {
            band.push(slot);
        }
    }
    for band in &mut bands {
        band.sort_unstable_by(|&a, &b| edges[a].0.min_x().total_cmp(&edges[b].0.min_x()));
        for (i, &a) in band.iter().enumerate() {
            let (ea, ring_a, pos_a, count_a) = edges[a];
            for &b in &band[i + 1..] {
                let (eb, ring_b, pos_b, _) = edges[b];
                if eb.min_x() > ea.max_x() {
                    break;
                }
                let neighbours = ring_a == ring_b
                    && (pos_a.abs_diff(pos_b) == 1 || pos_a.abs_diff(pos_b) == count_a - 1);
                if let Some((x, y)) = conflict(&ea, &eb, neighbours) {
                    return Err(ShapeError::SelfIntersection { x, y });
                }
            }
        }
    }
    Ok(())
}

fn orientation(ax: f64, ay: f64, bx: f64, by: f64, cx: f64, cy: f64) -> f64 {
    (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
}

/// Where two edges conflict: they cross, touch away from a shared ring vertex, or overlap.
/// Edges that follow each other may only share their common end point.
fn conflict(a: &Edge, b: &Edge, neighbours: bool) -> Option<(f64, f64)> {
    if a.max_y() < b.min_y() || b.max_y() < a.min_y() {
        return None;
    }
    let d1 = orientation(b.x1, b.y1, b.x2, b.y2, a.x1, a.y1);
    let d2 = orientation(b.x1, b.y1, b.x2, b.y2, a.x2, a.y2);
    let d3 = orientation(a.x1, a.y1, a.x2, a.y2, b.x1, b.y1);
    let d4 = orientation(a.x1, a.y1, a.x2, a.y2, b.x2, b.y2);
    let proper = ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0));
    if proper {
        return Some((a.x1, a.y1));
    }
    let on = |e: &Edge, x: f64, y: f64| {
        x >= e.min_x() && x <= e.max_x() && y >= e.min_y() && y <= e.max_y() && on_segment(e, x, y)
    };
    // Touching points: an end point of one edge lying on the other.
    let touches = [
        (d1 == 0.0 && on(b, a.x1, a.y1), a.x1, a.y1),
        (d2 == 0.0 && on(b, a.x2, a.y2), a.x2, a.y2),
        (d3 == 0.0 && on(a, b.x1, b.y1), b.x1, b.y1),
        (d4 == 0.0 && on(a, b.x2, b.y2), b.x2, b.y2),
    ];
    let shared = |x: f64, y: f64| {
        ((x == a.x1 && y == a.y1) || (x == a.x2 && y == a.y2))
            && ((x == b.x1 && y == b.y1) || (x == b.x2 && y == b.y2))
    };
    let collinear = d1 == 0.0 && d2 == 0.0;
    for (hit, x, y) in touches {
        if !hit {
            continue;
        }
        if neighbours && shared(x, y) && !collinear {
            continue;
        }
        if neighbours && collinear {
            // A straight continuation shares one point; folding back overlaps.
            let overlap = touches.iter().filter(|(h, ..)| *h).count() > 2;
            if !overlap {
                continue;
            }
        }
        return Some((x, y));
    }
    None
}

#[cfg(test)]
mod shape_tests {
    use super::*;
    use geo::{LineString, Polygon, Validation, polygon};
    use proptest::prelude::*;

    #[test]
    fn a_simple_square_with_a_hole_is_valid() {
        let outer = LineString::from(vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        let hole = LineString::from(vec![
            (4.0, 4.0),
            (6.0, 4.0),
            (6.0, 6.0),
            (4.0, 6.0),
            (4.0, 4.0),
        ]);
        assert_eq!(
            check_shape(&MultiPolygon(vec![Polygon::new(outer, vec![hole])])),
            Ok(())
        );
    }

    #[test]
    fn a_bow_tie_is_refused() {
        let bow_tie =
            polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 2.0), (x: 2.0, y: 0.0), (x: 0.0, y: 2.0)];
        assert!(matches!(
            check_shape(&MultiPolygon(vec![bow_tie])),
            Err(ShapeError::SelfIntersection { .. })
        ));
    }

    #[test]
    fn a_spike_that_folds_back_is_refused() {
        let spike = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 4.0, y: 8.0), (x: 4.0, y: 2.0), (x: 0.0, y: 4.0)];
        assert!(check_shape(&MultiPolygon(vec![spike])).is_err());
    }

    #[test]
    fn holes_outside_and_nested_parts_are_refused() {
        let outer = LineString::from(vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        let stray = LineString::from(vec![(20.0, 20.0), (21.0, 20.0), (21.0, 21.0), (20.0, 20.0)]);
        assert!(matches!(
            check_shape(&MultiPolygon(vec![Polygon::new(
                outer.clone(),
                vec![stray]
            )])),
            Err(ShapeError::HoleOutside { polygon: 1 })
        ));
        let inner = polygon![(x: 2.0, y: 2.0), (x: 3.0, y: 2.0), (x: 3.0, y: 3.0)];
        assert!(matches!(
            check_shape(&MultiPolygon(vec![Polygon::new(outer, vec![]), inner])),
            Err(ShapeError::NestedParts { inner: 2, outer: 1 })
        ));
    }

    #[test]
    fn degenerate_rings_and_non_finite_coordinates_are_refused() {
        let line = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0)];
        assert!(matches!(
            check_shape(&MultiPolygon(vec![line])),
            Err(ShapeError::DegenerateRing { .. })
        ));
        let nan = polygon![(x: 0.0, y: 0.0), (x: f64::NAN, y: 1.0), (x: 1.0, y: 0.0)];
        assert_eq!(
            check_shape(&MultiPolygon(vec![nan])),
            Err(ShapeError::NotFinite)
        );
        assert_eq!(check_shape(&MultiPolygon(vec![])), Err(ShapeError::Empty));
    }

    /// Whether two edges of the closed ring lie on one line and share more than a point.
    fn has_overlapping_edges(ring: &[(f64, f64)]) -> bool {
        let mut closed = ring.to_vec();
        closed.push(ring[0]);
        let edges: Vec<_> = closed
            .windows(2)
            .filter(|w| w[0] != w[1])
            .map(|w| (w[0], w[1]))
            .collect();
        edges.iter().enumerate().any(|(i, a)| {
            edges.iter().skip(i + 1).any(|b| {
                let cross = |p: (f64, f64)| {
                    (a.1.0 - a.0.0) * (p.1 - a.0.1) - (a.1.1 - a.0.1) * (p.0 - a.0.0)
                };
                let along = |p: (f64, f64)| {
                    (p.0 - a.0.0) * (a.1.0 - a.0.0) + (p.1 - a.0.1) * (a.1.1 - a.0.1)
                };
                let length = along(a.1);
                let (s, t) = (along(b.0), along(b.1));
                cross(b.0) == 0.0 && cross(b.1) == 0.0 && s.max(t) > 0.0 && s.min(t) < length
            })
        })
    }

    proptest! {
        #[test]
        fn agrees_with_geo_on_random_rings(
            coords in prop::collection::vec((0i32..8, 0i32..8), 3..9),
        ) {
            let ring: Vec<(f64, f64)> = coords.iter().map(|&(x, y)| (f64::from(x), f64::from(y))).collect();
            let polygon = Polygon::new(LineString::from(ring.clone()), vec![]);
            let shape = MultiPolygon(vec![polygon.clone()]);
            // We are at least as strict as geo, and stricter only on rings that fold onto
            // themselves (geo accepts a ring of three collinear points, for example).
            let ours = check_shape(&shape).is_ok();
            let theirs = polygon.is_valid();
            if !theirs {
                prop_assert!(!ours, "geo refuses {:?} but we accept it", coords);
            } else if !ours {
                use geo::Area;
                let folded = polygon.unsigned_area() == 0.0 || has_overlapping_edges(&ring);
                prop_assert!(folded, "we refuse {:?}, which geo accepts", coords);
            }
        }
    }
}
