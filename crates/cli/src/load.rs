//! `truce bench load`: posts incidents to a running server over loopback HTTP and reports
//! throughput and latency. With `--rate 0` it sends as fast as `--concurrency` connections
//! allow (throughput); with a rate it sends on a fixed schedule and measures each latency from
//! the moment the request was due, so that a slow server cannot hide its queueing
//! (latency at a given load).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Base URL of a running server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    url: String,
    /// Requests per second to send on a fixed schedule; 0 sends as fast as possible.
    #[arg(long, default_value_t = 0)]
    rate: u64,
    /// How long to send, in seconds.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// Connections (and requests in flight) at most.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Random seed for the incidents.
    #[arg(long, default_value_t = 2016)]
    seed: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// An API token of a user who may record incidents (`truce token create`), sent as
    /// `Authorization: Bearer`.
    #[arg(long, env = "TRUCE_TOKEN")]
    token: Option<String>,
}

#[derive(Debug, Serialize)]
struct Report {
    mode: &'static str,
    requested_rate: u64,
    seconds: f64,
    sent: u64,
    created: u64,
    failed: u64,
    per_s: f64,
    latency_ms_p50: f64,
    latency_ms_p99: f64,
    latency_ms_max: f64,
}

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

fn bodies(seed: u64, count: usize) -> Vec<Bytes> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let perpetrators = [
        "Syrian Arab Army",
        "Russian Aerospace Forces",
        "FSA",
        "Jaysh al-Islam",
        "ISIL",
        "coalition",
        "",
    ];
    let types = [
        "air_strike",
        "shelling_artillery",
        "mortar",
        "small_arms",
        "Armed clash",
    ];
    (0..count)
        .map(|n| {
            let body = serde_json::json!({
                "occurred_at": format!("2016-03-{:02}T{:02}:{:02}:00+02:00", 1 + n % 30, n % 24, n % 60),
                "lat": rng.random_range(32.3..37.3),
                "lon": rng.random_range(35.7..42.3),
                "perpetrator": perpetrators[rng.random_range(0..perpetrators.len())],
                "event_type": types[rng.random_range(0..types.len())],
                "notes": format!("load test {n}"),
            });
            Bytes::from(body.to_string())
        })
        .collect()
}

/// Where the incidents go, and as whom.
#[derive(Clone)]
struct Target {
    uri: hyper::Uri,
    authorization: Option<hyper::header::HeaderValue>,
}

async fn post(client: &HttpClient, target: &Target, body: Bytes) -> bool {
    let mut request =
        hyper::Request::post(target.uri.clone()).header("content-type", "application/json");
    if let Some(authorization) = &target.authorization {
        request = request.header(hyper::header::AUTHORIZATION, authorization.clone());
    }
    let request = request.body(Full::new(body));
    let Ok(request) = request else { return false };
    match client.request(request).await {
        Ok(response) => {
            let created = response.status() == hyper::StatusCode::CREATED;
            let _ = response.into_body().collect().await;
            created
        }
        Err(_) => false,
    }
}

pub fn run(args: LoadArgs) -> Result<std::process::ExitCode> {
    if args.concurrency == 0 || args.duration == 0 {
        bail!("--concurrency and --duration must be above 0");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(load(&args))?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "{} mode: {} sent in {:.1} s, {} created, {} failed: {:.0}/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            report.mode,
            report.sent,
            report.seconds,
            report.created,
            report.failed,
            report.per_s,
            report.latency_ms_p50,
            report.latency_ms_p99,
            report.latency_ms_max
        );
    }
    Ok(std::process::ExitCode::SUCCESS)
}

async fn load(args: &LoadArgs) -> Result<Report> {
    let uri: hyper::Uri = format!("{}/api/v1/incidents", args.url.trim_end_matches('/'))
        .parse()
        .context("--url")?;
    let authorization = args
        .token
        .as_ref()
        .map(|token| format!("Bearer {}", token.trim()).parse())
        .transpose()
        .context("--token")?;
    let uri = Target { uri, authorization };
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(args.concurrency)
        .build_http();
    let bodies = Arc::new(bodies(args.seed, 4096));
    let duration = Duration::from_secs(args.duration);
    let started = Instant::now();
    let mut latencies: Vec<u32> = Vec::new();
    let (mut created, mut failed) = (0u64, 0u64);
    if args.rate == 0 {
        let mut workers = Vec::new();
        for worker in 0..args.concurrency {
            let (client, uri, bodies) = (client.clone(), uri.clone(), Arc::clone(&bodies));
            workers.push(tokio::spawn(async move {
                let mut samples = Vec::new();
                let (mut ok, mut bad) = (0u64, 0u64);
                let mut n = worker;
                while started.elapsed() < duration {
                    let sent = Instant::now();
                    if post(&client, &uri, bodies[n % bodies.len()].clone()).await {
                        ok += 1
                    } else {
                        bad += 1
                    }
                    samples.push(sent.elapsed().as_micros() as u32);
                    n += args_stride();
                }
                (samples, ok, bad)
            }));
        }
        for worker in workers {
            let (samples, ok, bad) = worker.await?;
            latencies.extend(samples);
            created += ok;
            failed += bad;
        }
    } else {
        let interval = Duration::from_secs_f64(1.0 / args.rate as f64);
        let permits = Arc::new(tokio::sync::Semaphore::new(args.concurrency));
        let mut tasks = Vec::new();
        let total = args.rate * args.duration;
        for n in 0..total {
            let due = started + interval.mul_f64(n as f64);
            tokio::time::sleep_until(due.into()).await;
            let permit = Arc::clone(&permits).acquire_owned().await?;
            let (client, uri, body) = (
                client.clone(),
                uri.clone(),
                bodies[n as usize % bodies.len()].clone(),
            );
            tasks.push(tokio::spawn(async move {
                let ok = post(&client, &uri, body).await;
                drop(permit);
                (due.elapsed().as_micros() as u32, ok)
            }));
        }
        for task in tasks {
            let (latency, ok) = task.await?;
            latencies.push(latency);
            if ok { created += 1 } else { failed += 1 }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |&us| f64::from(us) / 1000.0)
    };
    Ok(Report {
        mode: if args.rate == 0 {
            "throughput"
        } else {
            "fixed-rate"
        },
        requested_rate: args.rate,
        seconds,
        sent: created + failed,
        created,
        failed,
        per_s: created as f64 / seconds,
        latency_ms_p50: percentile(0.50),
        latency_ms_p99: percentile(0.99),
        latency_ms_max: latencies.last().map_or(0.0, |&us| f64::from(us) / 1000.0),
    })
}

/// Each worker walks the bodies with a prime stride so that workers do not send the same ones.
fn args_stride() -> usize {
    7919
}
