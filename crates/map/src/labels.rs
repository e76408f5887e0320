//! Text labels placed so that none overlaps another: each is tried at a few positions around
//! its point, in the order given (so the caller ranks them), and left out when none is free.

use std::fmt::Write;

use crate::{Viewport, escape};

/// A label to place.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Longitude of the point it names.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// The text.
    pub text: String,
    /// CSS class (size, weight and colour come from the style).
    pub class: String,
    /// Font size in pixels, for the room the text takes.
    pub size: f64,
    /// Distance in pixels from the point to the text: 0 centres the text on the point (an
    /// area's name); more puts it beside a marker of that radius, whose room is kept free.
    pub gap: f64,
    /// Whether to draw a dot at the point (a town), when the label is placed.
    pub dot: bool,
}

/// A placed label: its index in the input and the centre of its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// Index in the input.
    pub index: usize,
    /// Centre of the text, in pixels.
    pub x: f64,
    /// Centre of the text, in pixels.
    pub y: f64,
}

/// A box in pixels: left, top, right, bottom.
type Room = [f64; 4];

/// The width of a character as a share of the font size: generous for Latin capitals and
/// Arabic alike, so that an estimate errs towards leaving a label out.
const CHAR_WIDTH: f64 = 0.6;
/// Space kept between two labels, in pixels.
const PADDING: f64 = 2.0;

fn overlaps(a: &Room, b: &Room) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// The room of a label's marker: its point, `gap` pixels each way.
fn marker_room(label: &Label, viewport: &Viewport) -> Option<Room> {
    let (px, py) = viewport.project(label.lon, label.lat);
    let inside = px >= 0.0 && py >= 0.0 && px <= viewport.width && py <= viewport.height;
    let gap = label.gap;
    inside.then_some([px - gap, py - gap, px + gap, py + gap])
}

/// Places the labels that fit, in the order given; returns them in that order.
///
/// A label beside a marker drawn whether or not it is named (`gap` > 0 without a dot: a
/// besieged location) keeps that marker's room free from the start; a town's dot is drawn
/// only with its name, and neither is placed where another label already is.
pub fn place_labels(labels: &[Label], viewport: &Viewport) -> Vec<Placed> {
    let drawn_anyway: Vec<Room> = labels
        .iter()
        .filter(|label| label.gap > 0.0 && !label.dot)
        .filter_map(|label| marker_room(label, viewport))
        .collect();
    let mut taken: Vec<Room> = Vec::new();
    let mut placed = Vec::new();
    for (index, label) in labels.iter().enumerate() {
        let Some(point) = marker_room(label, viewport) else {
            continue;
        };
        let (px, py) = viewport.project(label.lon, label.lat);
        let half_w = label.text.chars().count() as f64 * label.size * CHAR_WIDTH / 2.0;
        let half_h = label.size * 0.6;
        let gap = label.gap;
        let beside = gap > 0.0;
        let centres: Vec<(f64, f64)> = if beside {
            // Right, left, above, below: just clear of the marker's room and its padding.
            let (dx, dy) = (gap + PADDING + 0.5 + half_w, gap + PADDING + 0.5 + half_h);
            vec![(px + dx, py), (px - dx, py), (px, py - dy), (px, py + dy)]
        } else {
            // Centred, else a line or two below or above.
            [0.0, 2.0, -2.0, 4.0, -4.0]
                .into_iter()
                .map(|lines| (px, py + lines * half_h))
                .collect()
        };
        // A town's dot under another label would be hidden: the town is left out.
        if label.dot
            && taken
                .iter()
                .chain(&drawn_anyway)
                .any(|other| overlaps(&point, other))
        {
            continue;
        }
        let free = |room: &Room| {
            room[0] >= 0.0
                && room[1] >= 0.0
                && room[2] <= viewport.width
                && room[3] <= viewport.height
                && !(beside && overlaps(room, &point))
                && taken
                    .iter()
                    .chain(&drawn_anyway)
                    .all(|other| !overlaps(room, other))
        };
        let chosen = centres.into_iter().find(|(x, y)| {
            free(&[
                x - half_w - PADDING,
                y - half_h - PADDING,
                x + half_w + PADDING,
                y + half_h + PADDING,
            ])
        });
        if let Some((x, y)) = chosen {
            taken.push([x - half_w, y - half_h, x + half_w, y + half_h]);
            if label.dot {
                taken.push(point);
            }
            placed.push(Placed { index, x, y });
        }
    }
    placed
}

/// The SVG of the placed labels: dots first, then the texts (centred on their boxes, so that
/// they read the same in either direction of writing).
pub(crate) fn render_labels(svg: &mut String, labels: &[Label], viewport: &Viewport) {
    let placed = place_labels(labels, viewport);
    for spot in &placed {
        let label = &labels[spot.index];
        if label.dot {
            let (x, y) = viewport.project(label.lon, label.lat);
            let _ = write!(
                svg,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" class="dot-{}"/>"#,
                label.gap.max(1.5),
                escape(&label.class)
            );
        }
    }
    for spot in &placed {
        let label = &labels[spot.index];
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" dy="0.35em" class="{}">{}</text>"#,
            spot.x,
            spot.y,
            escape(&label.class),
            escape(&label.text)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(lon: f64, lat: f64, text: &str, gap: f64) -> Label {
        Label {
            lon,
            lat,
            text: text.to_owned(),
            class: "town".to_owned(),
            size: 10.0,
            gap,
            dot: gap > 0.0,
        }
    }

    #[test]
    fn labels_never_overlap_and_the_first_ones_win() {
        let view = Viewport::fit([0.0, 0.0, 10.0, 10.0], 500.0);
        // Forty labels on one spot: only a few fit around it, and the first is among them.
        let crowd: Vec<Label> = (0..40)
            .map(|i| label(5.0, 5.0, &format!("Place {i}"), 3.0))
            .collect();
        let placed = place_labels(&crowd, &view);
        assert!(placed.len() < 6, "{} placed", placed.len());
        assert_eq!(placed[0].index, 0);
        let rooms: Vec<Room> = placed
            .iter()
            .map(|p| {
                let half_w = crowd[p.index].text.chars().count() as f64 * 10.0 * CHAR_WIDTH / 2.0;
                [p.x - half_w, p.y - 6.0, p.x + half_w, p.y + 6.0]
            })
            .collect();
        for (i, a) in rooms.iter().enumerate() {
            for b in &rooms[i + 1..] {
                assert!(!overlaps(a, b), "{a:?} and {b:?}");
            }
        }
        // Spread out, all of them fit.
        let spread: Vec<Label> = (0..10)
            .map(|i| label(1.0 + i as f64 * 0.9, 1.0 + i as f64 * 0.9, "Town", 2.0))
            .collect();
        assert_eq!(place_labels(&spread, &view).len(), 10);
    }

    #[test]
    fn a_label_stays_inside_the_picture_and_beside_its_marker() {
        let view = Viewport::fit([0.0, 0.0, 10.0, 10.0], 500.0);
        // At the right edge, the text goes to the left of the point.
        let edge = [label(9.9, 5.0, "Abu Kamal", 4.0)];
        let placed = place_labels(&edge, &view);
        let (px, _) = view.project(9.9, 5.0);
        assert_eq!(placed.len(), 1);
        assert!(placed[0].x < px - 4.0);
        // Off the picture, it is not drawn.
        assert!(place_labels(&[label(11.0, 5.0, "Away", 2.0)], &view).is_empty());
        // An area's name is centred on its point.
        let centred = place_labels(&[label(5.0, 5.0, "Homs", 0.0)], &view);
        assert_eq!((centred[0].x, centred[0].y), view.project(5.0, 5.0));
    }

    #[test]
    fn a_marker_drawn_anyway_keeps_its_room_from_every_label() {
        let view = Viewport::fit([0.0, 0.0, 10.0, 10.0], 500.0);
        // A governorate's name placed first, centred where a besieged circle is drawn:
        // it moves off the circle, whose own name is still placed beside it.
        let mut besieged = label(5.0, 5.0, "Madaya", 10.0);
        besieged.dot = false;
        let labels = [label(5.0, 5.0, "Rif Dimashq", 0.0), besieged];
        let placed = place_labels(&labels, &view);
        assert_eq!(placed.len(), 2);
        let (_, py) = view.project(5.0, 5.0);
        assert!((placed[0].y - py).abs() > 10.0, "{placed:?}");
        // Above or below is tried when left and right are taken.
        let tight = Viewport::fit([0.0, 0.0, 2.0, 10.0], 60.0);
        let placed = place_labels(&[label(1.0, 5.0, "Middle", 3.0)], &tight);
        assert_eq!(
            placed.len(),
            1,
            "placed above or below when neither side fits"
        );
        let (px, _) = tight.project(1.0, 5.0);
        assert!((placed[0].x - px).abs() < 1e-9);
    }

    #[test]
    fn a_marker_keeps_its_room_from_later_labels() {
        let view = Viewport::fit([0.0, 0.0, 10.0, 10.0], 500.0);
        // A besieged town's circle of radius 10, then an area name centred on the same point:
        // the name moves off the circle.
        let labels = [label(5.0, 5.0, "Madaya", 10.0), label(5.0, 5.0, "Rif", 0.0)];
        let placed = place_labels(&labels, &view);
        assert_eq!(placed.len(), 2);
        let (px, py) = view.project(5.0, 5.0);
        assert!((placed[1].y - py).abs() > 10.0 || (placed[1].x - px).abs() > 10.0);
    }
}
