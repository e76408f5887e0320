//! One conformance suite, run against SQLite always and against PostgreSQL when
//! `TRUCE_TEST_DATABASE_URL` is set (each test in a schema of its own, so tests run in parallel).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use truce_store::{
    Cursor, Dimension, HOUR_MS, IncidentFilter, NewArea, NewChange, NewIncident, NewReport,
    NewUser, Reassessment, RequestKey, Store, StoreError, StoredReply,
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
        verification: "alleged".to_owned(),
        killed_civilian: 2,
        killed_combatant: 0,
        submitted_by: "monitor-1".to_owned(),
    }
}

/// Inserts incidents in a transaction of their own.
async fn insert(store: &Store, batch: &[NewIncident]) -> Result<Vec<i64>, StoreError> {
    let mut tx = store.begin_write().await?;
    let seqs = tx.insert_incidents(batch).await?;
    tx.append_changes(&[change("test")]).await?;
    tx.commit().await?;
    Ok(seqs)
}

fn key(principal: &str, scope: &str, key: &str) -> RequestKey {
    RequestKey {
        principal: principal.to_owned(),
        scope: scope.to_owned(),
        key: key.to_owned(),
    }
}

fn reply(text: &str) -> StoredReply {
    StoredReply {
        request_hash: format!("hash of {text}"),
        status: 201,
        response: text.to_owned(),
    }
}

fn change(entity_id: &str) -> NewChange {
    NewChange {
        principal: "anonymous".to_owned(),
        action: "record_incident".to_owned(),
        entity: "incident".to_owned(),
        entity_id: entity_id.to_owned(),
        reason: String::new(),
        payload: format!("{{\"id\":\"{entity_id}\"}}"),
        payload_in_incident: false,
        payload_sha256: "0".repeat(64),
    }
}

conformance!(migrations_run_once_and_the_database_answers, |store| {
    store.ping().await.unwrap();
    assert_eq!(store.count_incidents(false).await.unwrap(), 0);
});

conformance!(actors_designations_and_commitments_round_trip, |store| {
    let scenario = truce_scenario::load(None).unwrap();
    let mut tx = store.begin_write().await.unwrap();
    for actor in scenario.actors.actors() {
        tx.insert_actor(actor).await.unwrap();
    }
    for designation in scenario.actors.designations() {
        tx.insert_designation(designation).await.unwrap();
    }
    for commitment in &scenario.commitments {
        tx.put_commitment(commitment).await.unwrap();
    }
    tx.append_changes(&[change("test")]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        store.world_rows().await.unwrap().actors,
        scenario.actors.actors()
    );
    assert_eq!(
        store.world_rows().await.unwrap().designations,
        scenario.actors.designations()
    );
    let mut commitments = scenario.commitments.clone();
    commitments.sort_by(|a, b| a.actor.cmp(&b.actor));
    assert_eq!(store.world_rows().await.unwrap().commitments, commitments);
    // A duplicate id is a conflict, and replacing a commitment keeps one row.
    let mut tx = store.begin_write().await.unwrap();
    let duplicate = tx
        .insert_actor(&scenario.actors.actors()[0])
        .await
        .unwrap_err();
    assert!(matches!(duplicate, StoreError::Conflict(_)), "{duplicate}");
    drop(tx);
    let mut tx = store.begin_write().await.unwrap();
    tx.put_commitment(&scenario.commitments[0]).await.unwrap();
    tx.append_changes(&[change("test")]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        store.world_rows().await.unwrap().commitments.len(),
        scenario.commitments.len()
    );
});

conformance!(agreements_and_areas_round_trip, |store| {
    let mut tx = store.begin_write().await.unwrap();
    tx.insert_agreement("coh-2016", "{\"id\":\"coh-2016\"}")
        .await
        .unwrap();
    tx.append_changes(&[change("test")]).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin_write().await.unwrap();
    assert!(matches!(
        tx.insert_agreement("coh-2016", "{}").await,
        Err(StoreError::Conflict(_))
    ));
    drop(tx);
    assert_eq!(
        store.world_rows().await.unwrap().agreements,
        vec![("coh-2016".to_owned(), "{\"id\":\"coh-2016\"}".to_owned())]
    );
    assert!(store.is_seeded().await.unwrap());
    let area = NewArea {
        id: "layer/SY020001".to_owned(),
        contributor: "compiled".to_owned(),
        valid_from: 1_455_000_000_000,
        valid_to: None,
        bbox: [36.0, 35.0, 37.0, 36.0],
        layer: "{\"type\":\"FeatureCollection\"}".to_owned(),
    };
    let mut tx = store.begin_write().await.unwrap();
    tx.insert_areas(std::slice::from_ref(&area)).await.unwrap();
    tx.append_changes(&[change("test")]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        store.world_rows().await.unwrap().area_layers,
        vec![area.layer.clone()]
    );
    let mut tx = store.begin_write().await.unwrap();
    assert!(tx.insert_areas(&[area]).await.is_err());
});

conformance!(
    a_transaction_dropped_without_commit_writes_nothing,
    |store| {
        let mut tx = store.begin_write().await.unwrap();
        tx.lock_world().await.unwrap();
        tx.insert_incidents(&[incident("gone", 1, 36.0, &["covered"])])
            .await
            .unwrap();
        tx.append_changes(&[change("gone")]).await.unwrap();
        drop(tx);
        assert_eq!(store.count_incidents(false).await.unwrap(), 0);
        assert_eq!(store.world_generation().await.unwrap(), 0);
        assert!(store.changes(0, 10).await.unwrap().is_empty());
    }
);

conformance!(a_change_without_its_log_entry_is_refused, |store| {
    let mut tx = store.begin_write().await.unwrap();
    tx.insert_incidents(&[incident("unlogged", 1, 36.0, &["covered"])])
        .await
        .unwrap();
    assert!(matches!(tx.commit().await, Err(StoreError::Unlogged)));
    assert_eq!(store.count_incidents(false).await.unwrap(), 0);
    // A transaction that only read commits.
    let mut tx = store.begin_write().await.unwrap();
    tx.world_generation().await.unwrap();
    tx.commit().await.unwrap();
});

conformance!(the_world_generation_counts_changes_of_the_world, |store| {
    assert_eq!(store.world_generation().await.unwrap(), 0);
    for expected in 1..=3 {
        let mut tx = store.begin_write().await.unwrap();
        assert_eq!(tx.lock_world().await.unwrap(), expected);
        tx.append_changes(&[change("test")]).await.unwrap();
        tx.commit().await.unwrap();
    }
    let mut tx = store.begin_write().await.unwrap();
    assert_eq!(tx.world_generation().await.unwrap(), 3);
    drop(tx);
    assert_eq!(store.world_generation().await.unwrap(), 3);
});

conformance!(
    the_change_log_is_one_gap_free_sequence_in_commit_order,
    |store| {
        let mut tx = store.begin_write().await.unwrap();
        let (first, _) = tx
            .append_changes(&[change("a"), change("b")])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(first.iter().map(|c| c.seq).collect::<Vec<_>>(), [1, 2]);
        // A rolled-back transaction leaves no gap.
        let mut tx = store.begin_write().await.unwrap();
        tx.append_changes(&[change("lost")]).await.unwrap();
        drop(tx);
        let mut tx = store.begin_write().await.unwrap();
        let (next, generation) = tx.append_changes(&[change("c")]).await.unwrap();
        assert_eq!(generation, 0, "the world's generation comes with the head");
        tx.commit().await.unwrap();
        assert_eq!(next[0].seq, 3);
        let all = store.changes(0, 10).await.unwrap();
        assert_eq!(
            all.iter()
                .map(|c| c.change.entity_id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(all[2], next[0]);
        assert_eq!(store.changes(1, 1).await.unwrap()[0].change.entity_id, "b");
        assert!(store.changes(3, 10).await.unwrap().is_empty());
    }
);

conformance!(
    concurrent_writers_append_to_the_log_without_losing_an_entry,
    |store| {
        let mut writers = tokio::task::JoinSet::new();
        for writer in 0..4 {
            let store = store.clone();
            writers.spawn(async move {
                for n in 0..10 {
                    let id = format!("w{writer}-{n}");
                    let mut tx = store.begin_write().await.unwrap();
                    tx.insert_incidents(&[incident(&id, n, 36.0, &["covered"])])
                        .await
                        .unwrap();
                    tx.append_changes(&[change(&id)]).await.unwrap();
                    tx.commit().await.unwrap();
                }
            });
        }
        while let Some(done) = writers.join_next().await {
            done.unwrap();
        }
        let all = store.changes(0, 100).await.unwrap();
        assert_eq!(
            all.iter().map(|c| c.seq).collect::<Vec<_>>(),
            (1..=40).collect::<Vec<_>>()
        );
    }
);

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
        let seqs = insert(&store, &batch).await.unwrap();
        assert_eq!(seqs.len(), 25);
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
    idempotency_keys_are_scoped_to_principal_and_route,
    |store| {
        let on_a = key("anonymous", "POST /api/v1/incidents/A/reports", "k1");
        let on_b = key("anonymous", "POST /api/v1/incidents/B/reports", "k1");
        let by_other = key("cli:demo", "POST /api/v1/incidents/A/reports", "k1");
        let mut tx = store.begin_write().await.unwrap();
        tx.record_replies(&[(&on_a, reply("report on A"))])
            .await
            .unwrap();
        tx.append_changes(&[change("test")]).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin_write().await.unwrap();
        let found = tx.replies(&[&on_a, &on_b, &by_other]).await.unwrap();
        assert_eq!(found, vec![Some(reply("report on A")), None, None]);
        // The same key on the same route again is refused by the database.
        let again = tx
            .record_replies(&[(&on_a, reply("another"))])
            .await
            .unwrap_err();
        assert!(matches!(again, StoreError::Conflict(_)), "{again}");
        drop(tx);
        assert_eq!(
            store.stored_reply(&on_a).await.unwrap(),
            Some(reply("report on A"))
        );
        assert_eq!(store.stored_reply(&on_b).await.unwrap(), None);
    }
);

conformance!(a_failed_batch_commits_nothing, |store| {
    let batch = vec![
        incident("x", 1, 36.0, &["covered"]),
        incident("x", 2, 36.0, &["covered"]),
    ];
    assert!(matches!(
        insert(&store, &batch).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.count_incidents(false).await.unwrap(), 0);
});

conformance!(
    reassessments_keep_the_old_assessment_with_its_replacement_time,
    |store| {
        let seq = insert(
            &store,
            &[incident("r", 1_456_000_000_000, 36.5, &["covered"])],
        )
        .await
        .unwrap()[0];
        let mut tx = store.begin_write().await.unwrap();
        let review = tx
            .review_page(Some([36.0, 34.0, 37.0, 36.0]), 0, 10)
            .await
            .unwrap();
        assert_eq!(review.len(), 1);
        assert!(
            tx.review_page(Some([40.0, 34.0, 41.0, 36.0]), 0, 10)
                .await
                .unwrap()
                .is_empty()
        );
        tx.replace_assessments(&[Reassessment {
            incident_seq: seq,
            cause: "area version x added".to_owned(),
            assessment: "{\"labels\":[\"coverage_disputed\"]}".to_owned(),
            labels: vec!["coverage_disputed".to_owned()],
            verification: "alleged".to_owned(),
        }])
        .await
        .unwrap();
        tx.append_changes(&[change("test")]).await.unwrap();
        tx.commit().await.unwrap();
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

conformance!(
    review_pages_walk_every_incident_once_with_its_reports,
    |store| {
        let batch: Vec<NewIncident> = (0..25)
            .map(|n| incident(&format!("p{n:02}"), n, 36.0, &["covered"]))
            .collect();
        let seqs = insert(&store, &batch).await.unwrap();
        let mut tx = store.begin_write().await.unwrap();
        for (n, seq) in seqs.iter().enumerate().filter(|(n, _)| n % 4 == 0) {
            tx.insert_report(&NewReport {
                id: format!("rep-{n}"),
                incident_seq: *seq,
                source_name: "UN OSE".to_owned(),
                source_type: "UN".to_owned(),
                reliability: 'B',
                credibility: 2,
                body: format!("{{\"n\":{n}}}"),
                submitted_by: String::new(),
            })
            .await
            .unwrap();
        }
        let (mut after, mut seen, mut with_reports) = (0, Vec::new(), 0);
        loop {
            let page = tx.review_page(None, after, 10).await.unwrap();
            let Some(last) = page.last() else { break };
            after = last.record.seq;
            with_reports += page.iter().filter(|item| item.reports.len() == 1).count();
            seen.extend(page.into_iter().map(|item| item.record.id));
        }
        assert_eq!(seen.len(), 25);
        assert_eq!(seen[0], "p00");
        assert_eq!(with_reports, 7);
    }
);

conformance!(
    the_tallies_follow_every_write_and_match_a_recount,
    |store| {
        let t0 = 1_456_790_400_000; // 2016-03-01 00:00 UTC
        let mut batch = vec![
            incident("t1", t0 + 10 * 60_000, 36.0, &["covered"]),
            incident("t2", t0 + 50 * 60_000, 36.0, &["covered"]),
            incident("t3", t0 + HOUR_MS + 1, 36.0, &["actor_excluded"]),
        ];
        batch[1].perpetrator = Some("isil".to_owned());
        batch[1].killed_civilian = 5;
        batch[2].admin1_pcode = None;
        let seqs = insert(&store, &batch).await.unwrap();
        let hour = t0 / HOUR_MS;
        let read = |dimension| {
            let store = store.clone();
            async move {
                let mut rows: Vec<(i64, String, i64, i64)> = store
                    .tallies(dimension, hour, hour + 2)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|t| (t.hour - hour, t.value, t.incidents, t.killed_civilian))
                    .collect();
                rows.sort();
                rows
            }
        };
        assert_eq!(
            read(Dimension::Labels).await,
            [
                (0, ",covered,".to_owned(), 2, 7),
                (1, ",actor_excluded,".to_owned(), 1, 2)
            ]
        );
        assert_eq!(
            read(Dimension::Perpetrator).await,
            [
                (0, "gos".to_owned(), 1, 2),
                (0, "isil".to_owned(), 1, 5),
                (1, "gos".to_owned(), 1, 2)
            ]
        );
        assert_eq!(
            read(Dimension::Admin1).await,
            [(0, "SY02".to_owned(), 2, 7), (1, String::new(), 1, 2)]
        );
        // A re-assessment moves t2 to another label set and makes it verified; a second one that
        // changes nothing moves nothing.
        for _ in 0..2 {
            let mut tx = store.begin_write().await.unwrap();
            tx.replace_assessments(&[Reassessment {
                incident_seq: seqs[1],
                cause: "report added".to_owned(),
                assessment: "{\"labels\":[\"actor_excluded\"]}".to_owned(),
                labels: vec!["actor_excluded".to_owned()],
                verification: "verified".to_owned(),
            }])
            .await
            .unwrap();
            tx.append_changes(&[change("test")]).await.unwrap();
            tx.commit().await.unwrap();
        }
        assert_eq!(
            read(Dimension::Labels).await,
            [
                (0, ",actor_excluded,".to_owned(), 1, 5),
                (0, ",covered,".to_owned(), 1, 2),
                (1, ",actor_excluded,".to_owned(), 1, 2)
            ]
        );
        assert_eq!(
            read(Dimension::Verification).await,
            [
                (0, "alleged".to_owned(), 1, 2),
                (0, "verified".to_owned(), 1, 5),
                (1, "alleged".to_owned(), 1, 2)
            ]
        );
        // The labels agree with a count of the incidents themselves.
        let filter = IncidentFilter {
            from: Some(t0),
            to: Some(t0 + 2 * HOUR_MS),
            ..IncidentFilter::default()
        };
        let total = store
            .incidents(&filter, None, 100)
            .await
            .unwrap()
            .items
            .len() as i64;
        let tallied: i64 = read(Dimension::Labels).await.iter().map(|r| r.2).sum();
        assert_eq!(total, tallied);
    }
);

conformance!(reports_attach_to_incidents_with_their_grades, |store| {
    let seq = insert(
        &store,
        &[incident("p", 1_456_000_000_000, 36.5, &["covered"])],
    )
    .await
    .unwrap()[0];
    let report = NewReport {
        id: "rep-1".to_owned(),
        incident_seq: seq,
        source_name: "UN OSE".to_owned(),
        source_type: "UN".to_owned(),
        reliability: 'B',
        credibility: 2,
        body: "{\"text\":\"seen\"}".to_owned(),
        submitted_by: "monitor-1".to_owned(),
    };
    let mut tx = store.begin_write().await.unwrap();
    tx.insert_report(&report).await.unwrap();
    let (found_seq, _, reports) = tx.lock_incident("p").await.unwrap().unwrap();
    assert_eq!((found_seq, reports.len()), (seq, 1));
    assert!(tx.lock_incident("missing").await.unwrap().is_none());
    tx.append_changes(&[change("test")]).await.unwrap();
    tx.commit().await.unwrap();
    let detail = store.incident("p").await.unwrap().unwrap();
    assert_eq!(detail.reports.len(), 1);
    assert_eq!(detail.reports[0].body, "{\"text\":\"seen\"}");
    let mut bad = report.clone();
    bad.id = "rep-2".to_owned();
    bad.reliability = 'Z';
    let mut tx = store.begin_write().await.unwrap();
    assert!(
        tx.insert_report(&bad).await.is_err(),
        "the grade check is in the schema too"
    );
    drop(tx);
    assert_eq!(store.incident("p").await.unwrap().unwrap().reports.len(), 1);
});

conformance!(
    the_text_search_is_literal_and_ignores_case_beyond_ascii,
    |store| {
        let mut batch = vec![
            incident("percent", 1, 36.0, &["covered"]),
            incident("accent", 2, 36.0, &["covered"]),
            incident("arabic", 3, 36.0, &["covered"]),
            incident("plain", 4, 36.0, &["covered"]),
        ];
        batch[0].notes = "Shelling hit 50% of the market_square".to_owned();
        batch[1].notes = "ÉCOLE in Ḩamāh hit".to_owned();
        batch[2].notes = "قصف على حي الوعر".to_owned();
        batch[3].notes = "50 percent of the market square".to_owned();
        insert(&store, &batch).await.unwrap();
        let found = |text: &str| {
            let store = store.clone();
            let text = text.to_owned();
            async move {
                let filter = IncidentFilter {
                    text: Some(text),
                    ..Default::default()
                };
                let mut ids: Vec<String> = store
                    .incidents(&filter, None, 10)
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|i| i.id)
                    .collect();
                ids.sort();
                ids
            }
        };
        assert_eq!(found("50%").await, ["percent"]);
        assert_eq!(found("market_square").await, ["percent"]);
        assert_eq!(found("école").await, ["accent"]);
        assert_eq!(found("ḨAMĀH").await, ["accent"]);
        assert_eq!(found("حي الوعر").await, ["arabic"]);
        assert!(found("%").await.len() == 1, "a lone % is a literal");
        assert!(found("\\").await.is_empty());
    }
);

conformance!(
    batches_longer_than_one_statement_keep_every_row_with_its_own,
    |store| {
        // 450 incidents take three INSERTs and 1,100 entries three: every incident gets its
        // own assessment, and every entry its number, in order.
        let incidents: Vec<NewIncident> = (0..450)
            .map(|n| {
                let mut incident = incident(&format!("i{n}"), n, 36.0, &["covered"]);
                incident.assessment = format!(r#"{{"labels":["covered"],"n":{n}}}"#);
                incident
            })
            .collect();
        let changes: Vec<NewChange> = (0..1100).map(|n| change(&format!("c{n}"))).collect();
        let mut tx = store.begin_write().await.unwrap();
        tx.append_changes(&[change("before")]).await.unwrap();
        let seqs = tx.insert_incidents(&incidents).await.unwrap();
        let (entries, _) = tx.append_changes(&changes).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(seqs.len(), 450);
        assert_eq!(
            entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (2..=1101).collect::<Vec<_>>()
        );
        let stored = store.changes(0, 2000).await.unwrap();
        assert_eq!(stored.len(), 1101);
        assert_eq!(stored[1..], entries[..]);
        for n in [0, 199, 200, 449] {
            let detail = store.incident(&format!("i{n}")).await.unwrap().unwrap();
            assert_eq!(detail.record.seq, seqs[n as usize]);
            assert_eq!(detail.history.len(), 1);
            assert_eq!(
                detail.history[0].body,
                format!(r#"{{"labels":["covered"],"n":{n}}}"#)
            );
        }
    }
);

conformance!(an_incident_record_is_read_back_from_the_incident, |store| {
    // The log keeps an incident recorded without a report as the incident's row; reading it
    // gives the whole payload back.
    let stored = incident("kept-once", 1, 36.0, &["covered"]);
    let payload = truce_store::recorded_incident_payload(&stored.body);
    let mut entry = change("kept-once");
    entry.payload = payload.clone();
    entry.payload_in_incident = true;
    let mut tx = store.begin_write().await.unwrap();
    tx.insert_incidents(&[stored]).await.unwrap();
    let (written, _) = tx.append_changes(&[entry, change("other")]).await.unwrap();
    tx.commit().await.unwrap();
    let read = store.changes(0, 10).await.unwrap();
    assert_eq!(read, written);
    assert_eq!(read[0].change.payload, payload);
    assert!(payload.starts_with(r#"{"command":"record_incident","incident":{"id":"kept-once"}"#));
});

conformance!(users_tokens_and_sessions_follow_the_database, |store| {
    let mut tx = store.begin_write().await.unwrap();
    tx.insert_user(&NewUser {
        name: "amal",
        role: "party_liaison",
        party: Some("fsa"),
        password_hash: "$argon2id$stand-in",
    })
    .await
    .unwrap();
    tx.insert_token("tok_1", "hash-1", "amal", "field app")
        .await
        .unwrap();
    tx.append_changes(&[change("amal")]).await.unwrap();
    tx.commit().await.unwrap();
    // A second user of the same name is a conflict, and nothing of it is kept.
    let mut tx = store.begin_write().await.unwrap();
    let taken = tx
        .insert_user(&NewUser {
            name: "amal",
            role: "admin",
            party: None,
            password_hash: "",
        })
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    drop(tx);
    let users = store.users().await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(
        (users[0].role.as_str(), users[0].party.as_deref()),
        ("party_liaison", Some("fsa"))
    );
    assert!(!store.has_admin().await.unwrap());
    assert_eq!(
        store.token_user("hash-1").await.unwrap().unwrap().name,
        "amal"
    );
    assert!(store.token_user("hash-2").await.unwrap().is_none());

    store
        .insert_session("session-1", "amal", "csrf-1", false, 60_000)
        .await
        .unwrap();
    store
        .insert_session("expired", "amal", "csrf-2", false, -1)
        .await
        .unwrap();
    let session = store.session("session-1").await.unwrap().unwrap();
    assert_eq!(
        (session.csrf.as_str(), session.pending_second_factor),
        ("csrf-1", false)
    );
    assert!(store.session("expired").await.unwrap().is_none());

    // Revoking a token and disabling a user take effect on the next read.
    let mut tx = store.begin_write().await.unwrap();
    tx.revoke_token("tok_1").await.unwrap();
    tx.disable_user("amal").await.unwrap();
    tx.append_changes(&[change("amal")]).await.unwrap();
    tx.commit().await.unwrap();
    assert!(store.token_user("hash-1").await.unwrap().is_none());
    assert!(store.session("session-1").await.unwrap().is_none());
    assert!(
        store.tokens(Some("amal")).await.unwrap()[0]
            .revoked_at
            .is_some()
    );

    // Failed sign-ins are counted per subject within the window.
    let subjects = ["user:amal".to_owned(), "addr:10.0.0.1".to_owned()];
    for _ in 0..3 {
        store.record_login_failure(&subjects, 60_000).await.unwrap();
    }
    store
        .record_login_failure(&["addr:10.0.0.1".to_owned()], 60_000)
        .await
        .unwrap();
    assert_eq!(store.login_failures(&subjects, 60_000).await.unwrap(), 4);
    assert_eq!(
        store
            .login_failures(&["user:amal".to_owned()], 60_000)
            .await
            .unwrap(),
        3
    );
});

conformance!(humanitarian_records_round_trip, |store| {
    use truce_store::RecordKind::{Convoy, Location};
    let mut tx = store.begin_write().await.unwrap();
    assert!(!tx.has_humanitarian(Location).await.unwrap());
    tx.insert_humanitarian(Location, "madaya", "listed", "{\"id\":\"madaya\"}")
        .await
        .unwrap();
    tx.insert_humanitarian(Convoy, "c1", "planned", "{\"id\":\"c1\",\"n\":1}")
        .await
        .unwrap();
    // The same id of another kind is another record.
    tx.insert_humanitarian(Convoy, "madaya", "planned", "{}")
        .await
        .unwrap();
    tx.append_changes(&[change("test")]).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin_write().await.unwrap();
    assert!(tx.has_humanitarian(Location).await.unwrap());
    let duplicate = tx
        .insert_humanitarian(Location, "madaya", "listed", "{}")
        .await
        .unwrap_err();
    assert!(matches!(duplicate, StoreError::Conflict(_)), "{duplicate}");
    drop(tx);

    let mut tx = store.begin_write().await.unwrap();
    let taken = tx.lock_humanitarian(Convoy, "c1").await.unwrap().unwrap();
    assert_eq!(taken.state, "planned");
    tx.update_humanitarian(Convoy, "c1", "submitted", "{\"id\":\"c1\",\"n\":2}")
        .await
        .unwrap();
    assert_eq!(tx.lock_humanitarian(Convoy, "none").await.unwrap(), None);
    tx.append_changes(&[change("test")]).await.unwrap();
    tx.commit().await.unwrap();

    let convoys = store.humanitarian_records(Convoy).await.unwrap();
    assert_eq!(convoys.len(), 2);
    let c1 = store
        .humanitarian_record(Convoy, "c1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (c1.state.as_str(), c1.body.as_str()),
        ("submitted", "{\"id\":\"c1\",\"n\":2}")
    );
    assert_eq!(store.humanitarian_records(Location).await.unwrap().len(), 1);

    // A change without its change-log entry is refused and leaves nothing.
    let mut tx = store.begin_write().await.unwrap();
    tx.update_humanitarian(Convoy, "c1", "aborted", "{}")
        .await
        .unwrap();
    assert!(tx.commit().await.is_err());
    let c1 = store
        .humanitarian_record(Convoy, "c1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c1.state, "submitted");
});

/// A change whose payload hash is the payload's.
fn hashed_change(entity_id: &str) -> NewChange {
    let mut change = change(entity_id);
    change.payload_sha256 = truce_ledger::to_hex(&truce_ledger::payload_hash(&change.payload));
    change
}

/// The server key of the ledgers the tests tamper with.
fn server_key() -> truce_ledger::ServerKey {
    truce_ledger::ServerKey::from_seed(&[9; 32])
}

/// A signing store's key registered as the first entry of a transaction that goes on with
/// `then`, as the service does as it starts.
async fn register_then(store: &Store, then: Vec<NewChange>) {
    let key = store.signing_key().unwrap();
    let mut registration = change(&truce_ledger::to_hex(&key));
    registration.action = truce_ledger::sign::REGISTER_KEY_ACTION.to_owned();
    registration.entity = truce_ledger::sign::KEY_ENTITY.to_owned();
    registration.payload_sha256 =
        truce_ledger::to_hex(&truce_ledger::payload_hash(&registration.payload));
    let mut tx = store.begin_write().await.unwrap();
    tx.adopt_unsigned_head();
    let mut changes = vec![registration];
    changes.extend(then);
    let (entries, _) = tx.append_changes(&changes).await.unwrap();
    tx.insert_ledger_key(&key, entries[0].seq, entries[0].at)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Six entries in three transactions, signed by the server's key (registered by the first),
/// the third an incident's record read back from its row; then the triggers dropped, as an
/// operator with access to the database would. Answers the signing store and a connection of
/// that operator.
async fn ledger_to_tamper_with(store: &Store) -> (Store, sqlx::AnyPool) {
    let signed = store.clone().signing_with(server_key(), true);
    let stored = incident("k", 1, 36.0, &["covered"]);
    let mut record = hashed_change("k");
    record.payload = truce_store::recorded_incident_payload(&stored.body);
    record.payload_sha256 = truce_ledger::to_hex(&truce_ledger::payload_hash(&record.payload));
    record.payload_in_incident = true;
    register_then(&signed, vec![hashed_change("b")]).await;
    for (incidents, changes) in [
        (vec![stored], vec![record, hashed_change("c")]),
        (vec![], vec![hashed_change("d"), hashed_change("e")]),
    ] {
        let mut tx = signed.begin_write().await.unwrap();
        tx.insert_incidents(&incidents).await.unwrap();
        tx.append_changes(&changes).await.unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(store.verify_ledger().await.unwrap(), Ok(6));
    let operator = sqlx::AnyPool::connect(store.url()).await.unwrap();
    let drop = match store.backend() {
        truce_store::Backend::Sqlite => {
            "DROP TRIGGER change_log_no_update; DROP TRIGGER change_log_no_delete; \
             DROP TRIGGER change_log_sealed_once; DROP TRIGGER change_head_forward; \
             DROP TRIGGER ledger_key_no_update; DROP TRIGGER ledger_key_no_delete"
        }
        truce_store::Backend::Postgres => {
            "DROP TRIGGER change_log_no_change ON change_log; \
             DROP TRIGGER change_log_no_truncate ON change_log; \
             DROP TRIGGER change_head_forward ON change_head; \
             DROP TRIGGER ledger_key_no_change ON ledger_key"
        }
    };
    sqlx::raw_sql(drop).execute(&operator).await.unwrap();
    (signed, operator)
}

/// The signature on entry `seq`, as the database holds it.
async fn signature_of(operator: &sqlx::AnyPool, seq: i64) -> truce_ledger::Signed {
    let (signature, key): (String, String) = sqlx::query_as(&format!(
        "SELECT signature, signed_by FROM change_log WHERE seq = {seq}"
    ))
    .fetch_one(operator)
    .await
    .unwrap();
    let mut signed = truce_ledger::Signed {
        key: [0; 32],
        signature: [0; 64],
    };
    hex::decode_to_slice(key, &mut signed.key).unwrap();
    hex::decode_to_slice(signature, &mut signed.signature).unwrap();
    signed
}

/// The first damage `verify_ledger` finds after `sql`, and the record put back with `undo`.
async fn damage_after(
    store: &Store,
    operator: &sqlx::AnyPool,
    sql: &str,
    undo: &str,
) -> (i64, truce_ledger::DamageKind) {
    sqlx::raw_sql(sql).execute(operator).await.unwrap();
    let damage = store.verify_ledger().await.unwrap().unwrap_err();
    sqlx::raw_sql(undo).execute(operator).await.unwrap();
    assert_eq!(
        store.verify_ledger().await.unwrap(),
        Ok(6),
        "undone: {undo}"
    );
    (damage.seq, damage.kind)
}

conformance!(the_change_log_refuses_updates_and_deletes, |store| {
    let mut tx = store.begin_write().await.unwrap();
    tx.append_changes(&[hashed_change("a")]).await.unwrap();
    tx.commit().await.unwrap();
    let operator = sqlx::AnyPool::connect(store.url()).await.unwrap();
    sqlx::query(
        "INSERT INTO ledger_key (public_key, seq, valid_from, holder) VALUES ('aa', 1, 1, 'server')",
    )
    .execute(&operator)
    .await
    .unwrap();
    for sql in [
        "UPDATE change_log SET reason = 'later' WHERE seq = 1",
        "UPDATE change_log SET hash = '' WHERE seq = 1",
        "DELETE FROM change_log WHERE seq = 1",
        "UPDATE change_log SET signature = 'ab' WHERE seq = 1",
        "UPDATE ledger_key SET public_key = 'ab'",
        "DELETE FROM ledger_key",
    ] {
        let refused = sqlx::query(sql).execute(&operator).await.unwrap_err();
        assert!(
            refused.to_string().contains("append-only"),
            "{sql}: {refused}"
        );
    }
    for sql in [
        "UPDATE change_head SET seq = 0",
        "UPDATE change_head SET unsealed = 1",
    ] {
        let refused = sqlx::query(sql).execute(&operator).await.unwrap_err();
        assert!(refused.to_string().contains("forward"), "{sql}: {refused}");
    }
    if store.backend() == truce_store::Backend::Postgres {
        assert!(
            sqlx::query("TRUNCATE change_log")
                .execute(&operator)
                .await
                .is_err()
        );
    }
    // The key row matches no registration in the log: it shows.
    assert_eq!(
        store.verify_ledger().await.unwrap().unwrap_err().kind,
        truce_ledger::DamageKind::DataChanged
    );
});

conformance!(every_tampering_with_the_log_is_found_where_it_is, |store| {
    use truce_ledger::DamageKind::*;
    let (signed, operator) = ledger_to_tamper_with(&store).await;
    // One byte of any field of an entry.
    for column in [
        "principal",
        "action",
        "entity",
        "entity_id",
        "reason",
        "payload_sha256",
        "prev_hash",
        "hash",
        "signature",
        "signed_by",
    ] {
        let original: String =
            sqlx::query_scalar(&format!("SELECT {column} FROM change_log WHERE seq = 2"))
                .fetch_one(&operator)
                .await
                .unwrap();
        let changed = if original.starts_with('0') { "1" } else { "0" };
        let sql_one = format!(
            "UPDATE change_log SET {column} = '{changed}' || SUBSTR({column}, 2) WHERE seq = 2"
        );
        let undo = format!("UPDATE change_log SET {column} = '{original}' WHERE seq = 2");
        let expected = match column {
            "signature" => BadSignature,
            "signed_by" => UnknownKey,
            _ => Altered,
        };
        assert_eq!(
            damage_after(&store, &operator, &sql_one, &undo).await,
            (2, expected),
            "{column}"
        );
    }
    assert_eq!(
        damage_after(
            &store,
            &operator,
            "UPDATE change_log SET at = at + 1 WHERE seq = 5",
            "UPDATE change_log SET at = at - 1 WHERE seq = 5",
        )
        .await,
        (5, Altered)
    );
    // A payload kept in the log.
    assert_eq!(
        damage_after(
            &store,
            &operator,
            "UPDATE change_log SET payload = payload || ' ' WHERE seq = 4",
            "UPDATE change_log SET payload = TRIM(payload) WHERE seq = 4",
        )
        .await,
        (4, DataChanged)
    );
    // The data behind an entry, the log untouched: the incident's row it reads back from.
    let body: String = sqlx::query_scalar("SELECT body FROM incident WHERE id = 'k'")
        .fetch_one(&operator)
        .await
        .unwrap();
    assert_eq!(
        damage_after(
            &store,
            &operator,
            "UPDATE incident SET body = body || ' ' WHERE id = 'k'",
            &format!("UPDATE incident SET body = '{body}' WHERE id = 'k'"),
        )
        .await,
        (3, DataChanged)
    );
    // An entry removed; two swapped; the tail cut off.
    let keep = "CREATE TABLE kept AS SELECT * FROM change_log";
    let restore =
        "DELETE FROM change_log; INSERT INTO change_log SELECT * FROM kept; DROP TABLE kept";
    assert_eq!(
        damage_after(
            &store,
            &operator,
            &format!("{keep}; DELETE FROM change_log WHERE seq = 3"),
            restore
        )
        .await,
        (3, OutOfSequence { expected: 3 })
    );
    assert_eq!(
        damage_after(
            &store,
            &operator,
            &format!(
                "{keep}; UPDATE change_log SET seq = -2 WHERE seq = 2; \
                 UPDATE change_log SET seq = 2 WHERE seq = 4; \
                 UPDATE change_log SET seq = 4 WHERE seq = -2"
            ),
            restore
        )
        .await,
        (2, Altered)
    );
    assert_eq!(
        damage_after(
            &store,
            &operator,
            &format!("{keep}; DELETE FROM change_log WHERE seq > 4"),
            restore
        )
        .await,
        (5, Truncated { last: 4 })
    );
    // The head rewritten to an earlier entry's hash.
    assert_eq!(
        damage_after(
            &store,
            &operator,
            "UPDATE change_head SET hash = (SELECT hash FROM change_log WHERE seq = 5)",
            "UPDATE change_head SET hash = (SELECT hash FROM change_log WHERE seq = 6)",
        )
        .await,
        (6, HeadMismatch)
    );
    // Every hash blanked, to have the next start seal an edited log as if it were old: the
    // store seals only what its migration found, once.
    let head: String = sqlx::query_scalar("SELECT hash FROM change_head")
        .fetch_one(&operator)
        .await
        .unwrap();
    let blank = "UPDATE change_log SET reason = 'laundered', hash = '', prev_hash = ''; \
                 UPDATE change_head SET hash = ''";
    sqlx::raw_sql(&format!("{keep}; {blank}"))
        .execute(&operator)
        .await
        .unwrap();
    let reopened = Store::open(store.url()).await.unwrap();
    assert_eq!(reopened.verify_ledger().await.unwrap().unwrap_err().seq, 1);
    // A sealing mark set by hand on a signed log is refused: sealing would re-hash entries
    // under their signatures.
    sqlx::raw_sql(
        "DELETE FROM change_log; INSERT INTO change_log SELECT * FROM kept; \
         UPDATE change_log SET hash = '', prev_hash = ''; UPDATE change_head SET unsealed = 1",
    )
    .execute(&operator)
    .await
    .unwrap();
    let refused = Store::open(store.url()).await.unwrap_err();
    assert!(refused.to_string().contains("signed"), "{refused}");
    sqlx::raw_sql(&format!(
        "DELETE FROM change_log; INSERT INTO change_log SELECT * FROM kept; DROP TABLE kept; \
         UPDATE change_head SET unsealed = 0, hash = '{head}'"
    ))
    .execute(&operator)
    .await
    .unwrap();
    assert_eq!(store.verify_ledger().await.unwrap(), Ok(6));
    // A forged entry, well chained, appended behind the head's back.
    let last: String = sqlx::query_scalar("SELECT hash FROM change_log WHERE seq = 6")
        .fetch_one(&operator)
        .await
        .unwrap();
    let payload = "{\"forged\":true}";
    let payload_sha256 = truce_ledger::payload_hash(payload);
    let prev = truce_ledger::from_hex(&last).unwrap();
    // The hash covers the signature on the entry before (docs/ledger.md).
    let signed_6 = signature_of(&operator, 6).await;
    let hash = truce_ledger::entry_hash(&truce_ledger::Fields {
        seq: 7,
        at: 1,
        principal: "user:intruder",
        action: "add_actor",
        entity: "actor",
        entity_id: "x",
        reason: "",
        payload_sha256: &payload_sha256,
        prev: &prev,
        prev_signed: Some(&signed_6),
    });
    let forge = format!(
        "INSERT INTO change_log (seq, at, principal, action, entity, entity_id, reason, payload, \
         payload_sha256, prev_hash, hash) VALUES (7, 1, 'user:intruder', 'add_actor', 'actor', \
         'x', '', '{payload}', '{}', '{last}', '{}')",
        truce_ledger::to_hex(&payload_sha256),
        truce_ledger::to_hex(&hash)
    );
    assert_eq!(
        damage_after(
            &store,
            &operator,
            &forge,
            "DELETE FROM change_log WHERE seq = 7"
        )
        .await,
        (7, BeyondHead { head: 6 })
    );
    // The same entry with the head moved to it: no signature covers it, and the server
    // refuses to chain onto it (it would sign it), as does a store without a key.
    let head_to = |seq: i64| {
        format!(
            "UPDATE change_head SET seq = {seq}, \
             hash = (SELECT hash FROM change_log WHERE seq = {seq}), \
             signature = (SELECT signature FROM change_log WHERE seq = {seq}), \
             signed_by = (SELECT signed_by FROM change_log WHERE seq = {seq})"
        )
    };
    let undo_forge = format!("DELETE FROM change_log WHERE seq = 7; {}", head_to(6));
    sqlx::raw_sql(&format!("{forge}; {}", head_to(7)))
        .execute(&operator)
        .await
        .unwrap();
    let damage = store.verify_ledger().await.unwrap().unwrap_err();
    assert_eq!((damage.seq, damage.kind), (7, Unsigned));
    let mut tx = signed.begin_write().await.unwrap();
    let refused = tx.append_changes(&[hashed_change("f")]).await.unwrap_err();
    assert!(
        matches!(refused, truce_store::StoreError::LedgerRefused(_)),
        "{refused}"
    );
    drop(tx);
    sqlx::raw_sql(&undo_forge).execute(&operator).await.unwrap();
    assert_eq!(store.verify_ledger().await.unwrap(), Ok(6));
    let mut tx = store.begin_write().await.unwrap();
    let refused = tx.append_changes(&[hashed_change("f")]).await.unwrap_err();
    assert!(refused.to_string().contains("ledger key"), "{refused}");
    drop(tx);

    // The server's key replaced: in the published keys only; then the head re-signed with
    // the intruder's key as well; then the intruder's key registered at the tail by itself.
    let intruder = truce_ledger::ServerKey::from_seed(&[10; 32]);
    let (ours, theirs) = (
        truce_ledger::to_hex(&server_key().public()),
        truce_ledger::to_hex(&intruder.public()),
    );
    assert_eq!(
        damage_after(
            &store,
            &operator,
            &format!("UPDATE ledger_key SET public_key = '{theirs}'"),
            &format!("UPDATE ledger_key SET public_key = '{ours}'"),
        )
        .await,
        (1, DataChanged)
    );
    let head_hash: String = sqlx::query_scalar("SELECT hash FROM change_log WHERE seq = 6")
        .fetch_one(&operator)
        .await
        .unwrap();
    let resigned = intruder.sign_head(6, &truce_ledger::from_hex(&head_hash).unwrap());
    let signature: String = sqlx::query_scalar("SELECT signature FROM change_log WHERE seq = 6")
        .fetch_one(&operator)
        .await
        .unwrap();
    let sign_as = |signature: &str, key: &str| {
        format!(
            "UPDATE change_log SET signature = '{signature}', signed_by = '{key}' WHERE seq = 6; \
             UPDATE change_head SET signature = '{signature}', signed_by = '{key}'"
        )
    };
    assert_eq!(
        damage_after(
            &store,
            &operator,
            &format!(
                "UPDATE ledger_key SET public_key = '{theirs}'; {}",
                sign_as(&hex::encode(resigned.signature), &theirs)
            ),
            &format!(
                "UPDATE ledger_key SET public_key = '{ours}'; {}",
                sign_as(&signature, &ours)
            ),
        )
        .await,
        (6, UnknownKey)
    );
    let payload = "{}";
    let payload_sha256 = truce_ledger::payload_hash(payload);
    let hash = truce_ledger::entry_hash(&truce_ledger::Fields {
        seq: 7,
        at: 2,
        principal: "system",
        action: truce_ledger::sign::REGISTER_KEY_ACTION,
        entity: truce_ledger::sign::KEY_ENTITY,
        entity_id: &theirs,
        reason: "",
        payload_sha256: &payload_sha256,
        prev: &truce_ledger::from_hex(&head_hash).unwrap(),
        prev_signed: Some(&signed_6),
    });
    let self_signed = intruder.sign_head(7, &hash);
    let register = format!(
        "INSERT INTO change_log (seq, at, principal, action, entity, entity_id, reason, payload, \
         payload_sha256, prev_hash, hash, signature, signed_by) VALUES (7, 2, 'system', \
         'register_ledger_key', 'ledger_key', '{theirs}', '', '{payload}', '{}', '{head_hash}', \
         '{}', '{}', '{theirs}'); \
         INSERT INTO ledger_key (public_key, seq, valid_from, holder) \
         VALUES ('{theirs}', 7, 2, 'server'); {}",
        truce_ledger::to_hex(&payload_sha256),
        truce_ledger::to_hex(&hash),
        hex::encode(self_signed.signature),
        head_to(7)
    );
    assert_eq!(
        damage_after(
            &store,
            &operator,
            &register,
            &format!("DELETE FROM ledger_key WHERE seq = 7; {undo_forge}"),
        )
        .await,
        (7, UnknownKey)
    );
});

conformance!(
    a_server_refuses_a_log_cut_back_or_a_second_first_key,
    |store| {
        let (signed, operator) = ledger_to_tamper_with(&store).await;
        // Two servers with new keys on a log without any: the second to commit is refused.
        let other = store
            .clone()
            .signing_with(truce_ledger::ServerKey::from_seed(&[11; 32]), true);
        let mut tx = other.begin_write().await.unwrap();
        tx.adopt_unsigned_head();
        let refused = tx.append_changes(&[hashed_change("f")]).await.unwrap_err();
        assert!(refused.to_string().contains("meanwhile"), "{refused}");
        drop(tx);
        // The last transaction cut off, the head set back to the one before: whole as far as the
        // log alone can tell (docs/ledger.md, "Limits"), but the server that signed entry 6 will
        // not chain onto entry 4.
        sqlx::raw_sql(
            "DELETE FROM change_log WHERE seq > 4; \
         UPDATE change_head SET seq = 4, hash = (SELECT hash FROM change_log WHERE seq = 4), \
         signature = (SELECT signature FROM change_log WHERE seq = 4), \
         signed_by = (SELECT signed_by FROM change_log WHERE seq = 4)",
        )
        .execute(&operator)
        .await
        .unwrap();
        assert_eq!(store.verify_ledger().await.unwrap(), Ok(4));
        let mut tx = signed.begin_write().await.unwrap();
        let refused = tx.append_changes(&[hashed_change("f")]).await.unwrap_err();
        assert!(refused.to_string().contains("cut back"), "{refused}");
    }
);

conformance!(
    entries_from_before_the_chain_are_sealed_once_in_order,
    |store| {
        for changes in [
            vec![hashed_change("a"), hashed_change("b")],
            vec![hashed_change("c")],
        ] {
            let mut tx = store.begin_write().await.unwrap();
            tx.append_changes(&changes).await.unwrap();
            tx.commit().await.unwrap();
        }
        let head = store.chain_head().await.unwrap();
        // What the migration that added the chain found: entries without hashes, marked.
        let operator = sqlx::AnyPool::connect(store.url()).await.unwrap();
        let drop = match store.backend() {
            truce_store::Backend::Sqlite => {
                "DROP TRIGGER change_log_sealed_once; DROP TRIGGER change_head_forward"
            }
            truce_store::Backend::Postgres => {
                "DROP TRIGGER change_log_no_change ON change_log; \
             DROP TRIGGER change_head_forward ON change_head"
            }
        };
        sqlx::raw_sql(&format!(
            "{drop}; UPDATE change_log SET hash = '', prev_hash = ''; \
         UPDATE change_head SET hash = '', unsealed = 1"
        ))
        .execute(&operator)
        .await
        .unwrap();
        let reopened = Store::open(store.url()).await.unwrap();
        assert_eq!(reopened.verify_ledger().await.unwrap(), Ok(3));
        assert_eq!(
            store.chain_head().await.unwrap(),
            head,
            "the same chain as written"
        );
    }
);
