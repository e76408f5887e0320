//! Any bytes that are UTF-8 give a draft whose evidence lies inside the text.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(reference) = chrono::NaiveDate::from_ymd_opt(2016, 3, 10) else {
        return;
    };
    let draft = truce_extract::extract(text, reference);
    for actor in &draft.actors {
        assert_eq!(
            text.get(actor.evidence.start..actor.evidence.end),
            Some(actor.evidence.text.as_str())
        );
    }
    if let Some(place) = draft.location.as_ref().and_then(|l| l.evidence.as_ref()) {
        assert_eq!(text.get(place.start..place.end), Some(place.text.as_str()));
    }
});
