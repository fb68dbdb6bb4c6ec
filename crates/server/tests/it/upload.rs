//! Ingest through the API: a mapping and a file uploaded, ingested as a job on a
//! connection of its own, polled by its owner alone, the data set then the case's.

use axum::http::StatusCode;

use crate::{Fixture, fixture, send, send_body};

const BOUNDARY: &str = "corridor-test-boundary";

fn multipart(mapping: &str, csv: &str) -> String {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"mapping\"\r\n\r\n{mapping}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"new.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{BOUNDARY}--\r\n"
    )
}

async fn upload(f: &Fixture, user: &str, case: &str, body: &str) -> (StatusCode, serde_json::Value) {
    let bearer = format!("Bearer {}", f.tokens[user]);
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let (status, _, json) = send_body(
        &f.node,
        "POST",
        "/api/v1/ingest",
        &[
            ("authorization", &bearer),
            ("corridor-case", case),
            ("corridor-purpose", "investigation"),
            ("content-type", &content_type),
        ],
        body,
    )
    .await;
    (status, json)
}

async fn wait(f: &Fixture, user: &str, case: &str, job: u64) -> serde_json::Value {
    let bearer = format!("Bearer {}", f.tokens[user]);
    for _ in 0..200 {
        let (status, state) = send(
            &f.node,
            "GET",
            &format!("/api/v1/jobs/{job}"),
            &[
                ("authorization", &bearer),
                ("corridor-case", case),
                ("corridor-purpose", "investigation"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{state}");
        if state["state"] != "running" {
            return state;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the job did not end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_is_ingested_into_the_case_as_a_job_its_owner_follows() {
    let f = fixture();
    let mapping = crate::MAPPING.replace("mk-crossings", "mk-new");
    let csv = "id,name,category,handling,restriction\n1,Stojan Trajkovski,suspect,H1,\n2,,suspect,H1,\n";
    let (status, started) = upload(&f, "ana", "op-danube", &multipart(&mapping, csv)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let job = started["job"].as_u64().expect("job");
    // Another user does not see it.
    let otto = format!("Bearer {}", f.tokens["otto"]);
    let (status, _) = send(
        &f.node,
        "GET",
        &format!("/api/v1/jobs/{job}"),
        &[
            ("authorization", &otto),
            ("corridor-case", "op-evros"),
            ("corridor-purpose", "investigation"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let done = wait(&f, "ana", "op-danube", job).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["report"]["dataset"], "mk-new");
    assert!(
        !done.to_string().contains("uploads"),
        "no path of the node is told: {done}"
    );
    assert!(
        done["rejects"].as_array().is_some_and(|r| r.len() == 1),
        "the row without a name: {done}"
    );
    // The new data set is the case's: its record reads in the case.
    let ana = format!("Bearer {}", f.tokens["ana"]);
    let (status, entity) = send(
        &f.node,
        "GET",
        "/api/v1/entities/mk-new:1:person",
        &[
            ("authorization", &ana),
            ("corridor-case", "op-danube"),
            ("corridor-purpose", "investigation"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{entity}");
    // The upload and its rejects are not left behind.
    let left: Vec<_> = std::fs::read_dir(f._dir.path().join("node.corridor.uploads"))
        .expect("uploads")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_may_not_bring_another_cases_data_set_in_and_bad_uploads_are_refused() {
    let f = fixture();
    // Otto's case may not add rows to op-danube's data set.
    let (status, started) = upload(
        &f,
        "otto",
        "op-evros",
        &multipart(
            crate::MAPPING,
            "id,name,category,handling,restriction\n9,X Y,suspect,H1,\n",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let state = wait(&f, "otto", "op-evros", started["job"].as_u64().expect("job")).await;
    assert_eq!(
        (state["state"].as_str(), state["code"].as_str()),
        (Some("failed"), Some("forbidden")),
        "{state}"
    );
    // A bad mapping is refused before the file is kept; fields out of order too.
    let (status, body) = upload(&f, "ana", "op-danube", &multipart("[dataset]\nname = 5\n", "id\n1\n")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let swapped =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nid\r\n--{BOUNDARY}--\r\n");
    let (status, body) = upload(&f, "ana", "op-danube", &swapped).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = upload(&f, "ana", "op-danube", "not multipart at all").await;
    assert!(status.is_client_error(), "{status} {body}");
    // Nothing of the failed or refused uploads is left behind.
    let left: Vec<_> = std::fs::read_dir(f._dir.path().join("node.corridor.uploads"))
        .expect("uploads")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_third_upload_at_once_is_asked_to_wait() {
    use axum::body::{Body, Bytes};
    use tower::ServiceExt;
    let f = fixture();
    let bearer = format!("Bearer {}", f.tokens["ana"]);
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let mapping = crate::MAPPING.replace("mk-crossings", "mk-slow");
    // Two uploads that send their mapping and the start of their file, then stall.
    let mut held = Vec::new();
    for _ in 0..corridor_server::jobs::MAX_CONCURRENT_UPLOADS {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        let head = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"mapping\"\r\n\r\n{mapping}\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.csv\"\r\n\r\nid,name\n"
        );
        tx.send(Ok(Bytes::from(head))).await.expect("send");
        let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/ingest")
            .header("authorization", &bearer)
            .header("corridor-case", "op-danube")
            .header("corridor-purpose", "investigation")
            .header("content-type", &content_type)
            .body(Body::from_stream(stream))
            .expect("request");
        let node = f.node.clone();
        held.push((
            tx,
            tokio::spawn(async move { corridor_server::router(node).oneshot(req).await }),
        ));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let csv = "id,name,category,handling,restriction\n9,Petar Petrović,suspect,H1,\n";
    let (status, body) = upload(
        &f,
        "ana",
        "op-danube",
        &multipart(&crate::MAPPING.replace("mk-crossings", "mk-third"), csv),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "rate_limited");
    // The stalled uploads end (their bodies cut short): the next upload is taken.
    for (tx, task) in held {
        drop(tx);
        let answer = task.await.expect("task").expect("answer");
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    }
    let (status, body) = upload(
        &f,
        "ana",
        "op-danube",
        &multipart(&crate::MAPPING.replace("mk-crossings", "mk-third"), csv),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
}
