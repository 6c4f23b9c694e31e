"""The benchmark's pages and its arithmetic: percentiles, a page's row (with whether it answered
only its expected status), the printed table. No Django here, so a test can check the rules."""

import statistics

# name, who (clinician | supervisor | client | api-clinician | api-supervisor), path template
PAGES = [
    ("sign-in page", "anonymous", "/accounts/login/"),
    ("caseload", "clinician", "/clients/"),
    ("client record", "clinician", "/clients/{client}/"),
    ("ladder", "clinician", "/clients/{client}/plans/{plan}/"),
    ("practice logs", "clinician", "/clients/{client}/practice/"),
    ("recommendations", "clinician", "/clients/{client}/recommendations/"),
    ("progress (clinician)", "clinician", "/clients/{client}/progress/"),
    ("needs attention (clinician)", "clinician", "/attention/"),
    ("needs attention (supervisor)", "supervisor", "/attention/"),
    ("needs attention, all (supervisor)", "supervisor", "/attention/?all=1"),
    ("portal Today", "client", "/me/"),
    ("progress (client)", "client", "/me/progress/"),
    ("API clients list", "api-clinician", "/api/v1/clients"),
    ("API clients list (supervisor)", "api-supervisor", "/api/v1/clients"),
    ("API logs list", "api-clinician", "/api/v1/clients/{client}/logs"),
    ("API needs attention", "api-clinician", "/api/v1/attention"),
    ("PDF plan handout", "clinician", "/clients/{client}/documents/handout.pdf"),
    ("PDF clinical summary", "clinician", "/clients/{client}/documents/summary.pdf"),
    ("PDF discharge summary", "clinician", "/clients/{client}/documents/discharge.pdf"),
    ("PDF plan (client)", "client", "/me/record/plan.pdf"),
]
SIGN_IN = "sign-in (POST)"
LOG_POST = "log POST (API)"
EXPECTED = {SIGN_IN: 302, LOG_POST: 201}  # every other page: 200


def percentiles(values, scale=1.0):
    if not values:
        return {"p50": None, "p95": None, "p99": None}
    ordered = sorted(values)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * scale

    return {"p50": statistics.median(ordered) * scale, "p95": pct(0.95), "p99": pct(0.99)}


def summary(runs, seconds):
    latencies = [x for r in runs for x in r["latencies"]]
    statuses = {}
    for r in runs:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    server = percentiles([x for r in runs for x in r["server"]])
    cpu = percentiles([x for r in runs for x in r.get("cpu", ())])
    return {"rps": len(latencies) / seconds, "n": len(latencies),
            **percentiles(latencies, 1000),
            "server_p50": server["p50"], "server_p95": server["p95"],
            "server_p99": server["p99"], "cpu_p50": cpu["p50"], "cpu_p95": cpu["p95"],
            "statuses": statuses,
            "errors": sum(r["errors"] for r in runs)}


def row(name, queries, page, floor, concurrency):
    def ratio(a, b):
        return a / b if a and b else None

    expected = EXPECTED.get(name, 200)
    ok = page["n"] > 0 and not page["errors"] and set(page["statuses"]) == {expected}
    ok = ok and floor["n"] > 0 and not floor["errors"] and set(floor["statuses"]) == {200}
    return {"page": name, "queries": queries, "concurrency": concurrency,
            **{k: page.get(k) for k in ("rps", "n", "p50", "p95", "p99", "server_p50",
                                        "server_p95", "server_p99", "cpu_p50", "cpu_p95")},
            "statuses": page["statuses"], "expected_status": expected, "ok": ok,
            "floor_rps": floor["rps"], "floor_n": floor["n"], "floor_p50": floor["p50"],
            "floor_p95": floor["p95"],
            "floor_server_p50": floor["server_p50"], "floor_server_p95": floor["server_p95"],
            "floor_cpu_p50": floor.get("cpu_p50"),
            "ratio_p50": ratio(page["p50"], floor["p50"]),
            "ratio_p95": ratio(page["p95"], floor["p95"]),
            "ratio_rps": ratio(floor["rps"], page["rps"]),
            "errors": page["errors"], "floor_errors": floor["errors"]}


HEADER = (f"{'page':<34}{'q':>4}{'req/s':>7}{'p50':>7}{'p95':>7}{'p99':>7}{'srv50':>7}"
          f"{'srv95':>7}{'cpu50':>7}{'cpu95':>7}{'fl p50':>7}{'fl p95':>7}{'x p50':>6}"
          f"{'x p95':>6}  status")


def print_row(row, _shown=[]):  # noqa: B006 - print the header once
    if not _shown:
        print(HEADER)
        _shown.append(True)

    def ms(v):
        return f"{v:7.1f}" if v is not None else "      -"

    def x(v):
        return f"{v:6.1f}" if v is not None else "     -"

    codes = ",".join(f"{c}x{n}" for c, n in sorted(row["statuses"].items())) or "none"
    if row["errors"]:
        codes += f" {row['errors']} failed"
    if not row["ok"]:
        codes += f"  <- expected only {row['expected_status']}"
    queries = "-" if row["queries"] is None else row["queries"]
    print(f"{row['page'][:33]:<34}{queries:>4}{row['rps']:>7.1f}{ms(row['p50'])}"
          f"{ms(row['p95'])}{ms(row['p99'])}{ms(row['server_p50'])}{ms(row['server_p95'])}"
          f"{ms(row.get('cpu_p50'))}{ms(row.get('cpu_p95'))}{ms(row['floor_p50'])}{ms(row['floor_p95'])}{x(row['ratio_p50'])}"
          f"{x(row['ratio_p95'])}  {codes}", flush=True)
