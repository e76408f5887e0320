//! Extraction never panics, whatever the input, and keeps its evidence inside the text.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use chrono::NaiveDate;
use proptest::prelude::*;
use truce_extract::{Draft, extract};

fn reference() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 3, 10).unwrap()
}

/// Every piece of evidence points at a real stretch of the text.
fn evidence_is_inside(text: &str, draft: &Draft) {
    let mut spans = Vec::new();
    for field in [
        &draft.event_type,
        &draft.sub_event_type,
        &draft.weapon,
        &draft.date,
    ] {
        spans.extend(field.iter().filter_map(|f| f.evidence.clone()));
    }
    spans.extend(draft.location.iter().filter_map(|f| f.evidence.clone()));
    spans.extend(draft.actors.iter().map(|a| a.evidence.clone()));
    for span in spans {
        assert_eq!(text.get(span.start..span.end), Some(span.text.as_str()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn any_unicode_input_gives_a_draft(text in "\\PC*") {
        let draft = extract(&text, reference());
        evidence_is_inside(&text, &draft);
    }

    #[test]
    fn report_like_input_gives_a_draft(
        words in proptest::collection::vec(
            prop_oneof![
                Just("Regime"), Just("forces"), Just("shelled"), Just("Douma"), Just("killing"),
                Just("3"), Just("civilians"), Just("yesterday"), Just("on"), Just("Tuesday"),
                Just("قصفت"), Just("قوات"), Just("النظام"), Just("دوما"), Just("أمس"), Just("5"),
                Just("March"), Just("2016"), Just("Deir"), Just("ez-Zor"), Just("between"),
                Just("and"), Just("IS"), Just("with"), Just("،"), Just("."), Just("\u{200F}"),
            ],
            0..40,
        )
    ) {
        let text = words.join(" ");
        let draft = extract(&text, reference());
        evidence_is_inside(&text, &draft);
    }
}

#[test]
fn empty_and_blank_text_give_an_empty_draft() {
    for text in ["", " ", "\n\t", "\u{200F}\u{200E}"] {
        let draft = extract(text, reference());
        assert!(draft.location.is_none() && draft.actors.is_empty() && draft.fatalities.is_none());
        assert_eq!(
            draft.date.unwrap().evidence,
            None,
            "the reference date, not evidence"
        );
    }
}

#[test]
fn ten_megabytes_of_mixed_direction_text_are_cut_not_choked_on() {
    let unit = "Regime forces shelled دوما \u{202E}reversed\u{202C} ٣ قتلى، near Douma. ";
    let text = unit.repeat(10 * 1024 * 1024 / unit.len() + 1);
    assert!(text.len() >= 10 * 1024 * 1024);
    let draft = extract(&text, reference());
    evidence_is_inside(&text, &draft);
    assert_eq!(draft.actors[0].actor.as_deref(), Some("gos"));
    assert!(draft.location.is_some());
}
