//! One conformance suite, run against SQLite always and against PostgreSQL when
//! `TRUCE_TEST_DATABASE_URL` is set (each test in a schema of its own, so tests run in parallel).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use truce_store::{
    Cursor, IdempotencyRecord, IncidentCount, IncidentFilter, Inserted, NewArea, NewIncident,
    NewReport, Reassessment, Store, StoreError,
};

/// A store on a fresh database; the guard keeps the temporary file alive.
struct Fresh {
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("truce.db").display());
    Fresh {
        store: Store::open(&url).await.unwrap(),
        _dir: Some(dir),
    }
}

async fn postgres(test: &str) -> Option<Fresh> {
    let Ok(base) = std::env::var("TRUCE_TEST_DATABASE_URL") else {
        eprintln!("skipped {test} on PostgreSQL: TRUCE_TEST_DATABASE_URL is not set");
        return None;
    };
    let schema = format!("t{}_{}", std::process::id(), &test[..test.len().min(40)]);
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&base)
        .await
        .expect("TRUCE_TEST_DATABASE_URL must point at a reachable PostgreSQL");
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    Some(Fresh {
        store: Store::open(&url).await.unwrap(),
        _dir: None,
    })
}

/// Defines `mod $name { sqlite, postgres }` running the same async body on both backends.
macro_rules! conformance {
    ($name:ident, |$store:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($store: Store) $body

            #[tokio::test]
            async fn sqlite() {
                let fresh = super::sqlite().await;
                run(fresh.store.clone()).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(fresh) = super::postgres(stringify!($name)).await {
                    run(fresh.store.clone()).await;
                }
            }
        }
    };
}

fn incident(id: &str, occurred_at: i64, lon: f64, labels: &[&str]) -> NewIncident {
    NewIncident {
        id: id.to_owned(),
        occurred_at,
        lat: Some(35.0),
        lon: Some(lon),
        admin1_pcode: Some("SY02".to_owned()),
        admin3_pcode: Some("SY020001".to_owned()),
        perpetrator: Some("gos".to_owned()),
        target: Some("opposition".to_owned()),
        labels: labels.iter().map(|l| l.to_string()).collect(),
        notes: format!("Shelling reported near {id}"),
        synthetic: false,
        body: format!("{{\"id\":\"{id}\"}}"),
        assessment: format!("{{\"labels\":{labels:?}}}"),
        idempotency: None,
    }
}

fn key(key: &str, hash: &str) -> IdempotencyRecord {
    IdempotencyRecord {
        key: key.to_owned(),
        request_hash: hash.to_owned(),
        status: 201,
        response: format!("reply for {key}"),
    }
}

conformance!(migrations_run_once_and_the_database_answers, |store| {
    store.ping().await.unwrap();
    assert_eq!(store.count_incidents(false).await.unwrap(), 0);
});

conformance!(actors_designations_and_commitments_round_trip, |store| {
    let scenario = truce_scenario::load(None).unwrap();
    for actor in scenario.actors.actors() {
        store.insert_actor(actor).await.unwrap();
    }
    for designation in scenario.actors.designations() {
        store.insert_designation(designation).await.unwrap();
    }
    for commitment in &scenario.commitments {
        store.put_commitment(commitment).await.unwrap();
    }
    assert_eq!(store.actors().await.unwrap(), scenario.actors.actors());
    assert_eq!(
        store.designations().await.unwrap(),
        scenario.actors.designations()
    );
    let mut commitments = scenario.commitments.clone();
    commitments.sort_by(|a, b| a.actor.cmp(&b.actor));
    assert_eq!(store.commitments().await.unwrap(), commitments);
    // A duplicate id is a conflict, and replacing a commitment keeps one row.
    let duplicate = store
        .insert_actor(&scenario.actors.actors()[0])
        .await
        .unwrap_err();
    assert!(matches!(duplicate, StoreError::Conflict(_)), "{duplicate}");
    store
        .put_commitment(&scenario.commitments[0])
        .await
        .unwrap();
    assert_eq!(
        store.commitments().await.unwrap().len(),
        scenario.commitments.len()
    );
});

conformance!(agreements_and_areas_round_trip, |store| {
    store
        .insert_agreement("coh-2016", "{\"id\":\"coh-2016\"}")
        .await
        .unwrap();
    assert!(matches!(
        store.insert_agreement("coh-2016", "{}").await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.agreements().await.unwrap(),
        vec![("coh-2016".to_owned(), "{\"id\":\"coh-2016\"}".to_owned())]
    );
    let area = NewArea {
        id: "layer/SY020001".to_owned(),
        contributor: "compiled".to_owned(),
        valid_from: 1_455_000_000_000,
        valid_to: None,
        bbox: [36.0, 35.0, 37.0, 36.0],
        layer: "{\"type\":\"FeatureCollection\"}".to_owned(),
    };
    store
        .insert_areas(std::slice::from_ref(&area))
        .await
        .unwrap();
    assert_eq!(store.area_layers().await.unwrap(), vec![area.layer.clone()]);
    assert!(store.insert_areas(&[area]).await.is_err());
});

conformance!(
    incidents_are_listed_newest_first_with_filters_and_cursors,
    |store| {
        let batch: Vec<NewIncident> = (0..25)
            .map(|n| {
                let mut item = incident(
                    &format!("i{n:02}"),
                    1_456_000_000_000 + n * 3_600_000,
                    36.0 + n as f64 * 0.1,
                    &["covered"],
                );
                if n % 5 == 0 {
                    item.labels = vec!["pre_start".to_owned(), "transition_window".to_owned()];
                    item.admin1_pcode = Some("SY07".to_owned());
                    item.target = Some("isil".to_owned());
                    item.notes = "Clashes at the CHECKPOINT".to_owned();
                }
                item
            })
            .collect();
        let results = store.insert_incidents(&batch).await.unwrap();
        assert!(results.iter().all(|r| *r == Inserted::Created));
        assert_eq!(store.count_incidents(false).await.unwrap(), 25);

        let all = IncidentFilter::default();
        let first = store.incidents(&all, None, 10).await.unwrap();
        assert_eq!(
            first
                .items
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>()[..3],
            ["i24", "i23", "i22"]
        );
        let mut seen: Vec<String> = first.items.iter().map(|i| i.id.clone()).collect();
        let mut cursor = first.next;
        while let Some(at) = cursor {
            let cursor_text = at.to_string();
            let page = store
                .incidents(&all, Some(cursor_text.parse::<Cursor>().unwrap()), 10)
                .await
                .unwrap();
            seen.extend(page.items.iter().map(|i| i.id.clone()));
            cursor = page.next;
        }
        assert_eq!(seen.len(), 25);
        seen.dedup();
        assert_eq!(seen.len(), 25, "no incident twice across pages");

        let count = |filter: IncidentFilter| {
            let store = store.clone();
            async move {
                store
                    .incidents(&filter, None, 100)
                    .await
                    .unwrap()
                    .items
                    .len()
            }
        };
        assert_eq!(
            count(IncidentFilter {
                label: Some("transition_window".into()),
                ..Default::default()
            })
            .await,
            5
        );
        assert_eq!(
            count(IncidentFilter {
                label: Some("covered".into()),
                ..Default::default()
            })
            .await,
            20
        );
        assert_eq!(
            count(IncidentFilter {
                admin1: Some("SY07".into()),
                ..Default::default()
            })
            .await,
            5
        );
        assert_eq!(
            count(IncidentFilter {
                actor: Some("isil".into()),
                ..Default::default()
            })
            .await,
            5
        );
        assert_eq!(
            count(IncidentFilter {
                text: Some("checkpoint".into()),
                ..Default::default()
            })
            .await,
            5
        );
        assert_eq!(
            count(IncidentFilter {
                bbox: Some([36.0, 34.0, 36.45, 36.0]),
                ..Default::default()
            })
            .await,
            5
        );
        assert_eq!(
            count(IncidentFilter {
                from: Some(1_456_000_000_000 + 10 * 3_600_000),
                to: Some(1_456_000_000_000 + 20 * 3_600_000),
                ..Default::default()
            })
            .await,
            10
        );
        let detail = store.incident("i03").await.unwrap().unwrap();
        assert_eq!(detail.record.assessment, "{\"labels\":[\"covered\"]}");
        assert_eq!(detail.history.len(), 1);
        assert!(store.incident("missing").await.unwrap().is_none());
    }
);

conformance!(
    idempotency_keys_replay_the_first_reply_and_store_nothing_new,
    |store| {
        let mut first = incident("a", 1_456_000_000_000, 36.0, &["covered"]);
        first.idempotency = Some(key("k1", "hash-a"));
        assert_eq!(
            store.insert_incidents(&[first]).await.unwrap(),
            vec![Inserted::Created]
        );
        let mut retry = incident("b", 1_456_000_000_000, 36.0, &["covered"]);
        retry.idempotency = Some(key("k1", "hash-a"));
        let mut twin = incident("c", 1_456_000_000_000, 36.0, &["covered"]);
        twin.idempotency = Some(key("k2", "hash-c"));
        let mut twin_retry = incident("d", 1_456_000_000_000, 36.0, &["covered"]);
        twin_retry.idempotency = Some(key("k2", "hash-c"));
        let results = store
            .insert_incidents(&[retry, twin, twin_retry])
            .await
            .unwrap();
        assert!(
            matches!(&results[0], Inserted::Replayed(reply) if reply.response == "reply for k1" && reply.request_hash == "hash-a")
        );
        assert_eq!(results[1], Inserted::Created);
        assert!(
            matches!(&results[2], Inserted::Replayed(_)),
            "a duplicate inside one batch is replayed too"
        );
        assert_eq!(store.count_incidents(false).await.unwrap(), 2);
        assert!(store.idempotent_reply("k2").await.unwrap().is_some());
        assert!(store.idempotent_reply("k3").await.unwrap().is_none());
    }
);

conformance!(a_failed_batch_commits_nothing, |store| {
    let batch = vec![
        incident("x", 1, 36.0, &["covered"]),
        incident("x", 2, 36.0, &["covered"]),
    ];
    assert!(matches!(
        store.insert_incidents(&batch).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.count_incidents(false).await.unwrap(), 0);
});

conformance!(
    reassessments_keep_the_old_assessment_with_its_replacement_time,
    |store| {
        store
            .insert_incidents(&[incident("r", 1_456_000_000_000, 36.5, &["covered"])])
            .await
            .unwrap();
        let seq = store.incident("r").await.unwrap().unwrap().record.seq;
        let review = store
            .incidents_for_review(Some([36.0, 34.0, 37.0, 36.0]))
            .await
            .unwrap();
        assert_eq!(review.len(), 1);
        assert!(
            store
                .incidents_for_review(Some([40.0, 34.0, 41.0, 36.0]))
                .await
                .unwrap()
                .is_empty()
        );
        store
            .replace_assessments(&[Reassessment {
                incident_seq: seq,
                cause: "area version x added".to_owned(),
                assessment: "{\"labels\":[\"coverage_disputed\"]}".to_owned(),
                labels: vec!["coverage_disputed".to_owned()],
            }])
            .await
            .unwrap();
        let detail = store.incident("r").await.unwrap().unwrap();
        assert_eq!(detail.history.len(), 2);
        assert!(detail.history[0].replaced_at.is_some());
        assert!(detail.history[1].replaced_at.is_none());
        assert_eq!(detail.history[1].cause, "area version x added");
        assert_eq!(detail.record.labels, ["coverage_disputed"]);
        assert_eq!(
            detail.record.assessment,
            "{\"labels\":[\"coverage_disputed\"]}"
        );
    }
);

conformance!(reports_attach_to_incidents_with_their_grades, |store| {
    store
        .insert_incidents(&[incident("p", 1_456_000_000_000, 36.5, &["covered"])])
        .await
        .unwrap();
    let seq = store.incident("p").await.unwrap().unwrap().record.seq;
    let report = NewReport {
        id: "rep-1".to_owned(),
        incident_seq: seq,
        source_name: "UN OSE".to_owned(),
        source_type: "UN".to_owned(),
        reliability: 'B',
        credibility: 2,
        body: "{\"text\":\"seen\"}".to_owned(),
        assessment: "{\"labels\":[\"covered\"],\"verification\":\"alleged\"}".to_owned(),
        labels: vec!["covered".to_owned()],
        idempotency: Some(key("rk", "h")),
    };
    assert_eq!(
        store.insert_report(&report).await.unwrap(),
        Inserted::Created
    );
    assert!(matches!(
        store.insert_report(&report).await.unwrap(),
        Inserted::Replayed(_)
    ));
    let detail = store.incident("p").await.unwrap().unwrap();
    assert_eq!(detail.reports.len(), 1);
    assert_eq!(detail.history.len(), 2);
    assert_eq!(
        store.report_bodies(seq).await.unwrap(),
        vec!["{\"text\":\"seen\"}".to_owned()]
    );
    let mut bad = report.clone();
    bad.id = "rep-2".to_owned();
    bad.idempotency = None;
    bad.reliability = 'Z';
    assert!(
        store.insert_report(&bad).await.is_err(),
        "the grade check is in the schema too"
    );
    assert_eq!(
        store.incident("p").await.unwrap().unwrap().history.len(),
        2,
        "nothing of the failed report was kept"
    );
});

conformance!(
    the_database_counts_incidents_by_day_label_and_governorate,
    |store| {
        const DAY: i64 = 86_400_000;
        let now = 20 * DAY;
        let mut batch = vec![
            incident("a", now - 1_000, 36.0, &["covered"]),
            incident("b", now - 2_000, 36.1, &["covered"]),
            incident("c", now - 3 * DAY, 36.2, &["covered"]),
            incident(
                "d",
                now - 3 * DAY + 5,
                36.3,
                &["pre_start", "target_excluded"],
            ),
            incident("too-old", now - 30 * DAY, 36.4, &["covered"]),
            incident("too-new", now, 36.5, &["covered"]),
        ];
        batch[3].admin1_pcode = None;
        store.insert_incidents(&batch).await.unwrap();
        let mut counts = store
            .incident_counts(now - 10 * DAY, now, now - DAY, now - 7 * DAY)
            .await
            .unwrap();
        counts.sort_by_key(|c| (c.day, c.labels.clone()));
        let group = |day, labels: &[&str], admin1: Option<&str>, last_day, count| IncidentCount {
            day,
            labels: labels.iter().map(|l| l.to_string()).collect(),
            admin1_pcode: admin1.map(str::to_owned),
            last_day,
            last_week: true,
            count,
        };
        assert_eq!(
            counts,
            vec![
                group(17, &["covered"], Some("SY02"), false, 1),
                group(17, &["pre_start", "target_excluded"], None, false, 1),
                group(19, &["covered"], Some("SY02"), true, 2),
            ]
        );
    }
);
