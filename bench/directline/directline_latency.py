# Direct Line latency over loopback HTTP against a running host binary, conversations in SQLite.
# Usage: python3 bench/directline/directline_latency.py src/BotHost/bin/Release/net10.0/BotHost
# Prints p50/p95 per request kind; see docs/benchmarks.md, "Web Chat on the database".
import json, os, shutil, socket, subprocess, sys, time, urllib.request

binary = sys.argv[1]
folder = os.path.join(os.environ.get("TMPDIR", "/tmp"), "pa-directline-bench-" + str(os.getpid()))
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
base = f"http://127.0.0.1:{port}"
proc = subprocess.Popen([binary, f"--urls={base}", f"--Data:Folder={folder}", "--Knowledge:IngestOnStart=false",
                         "--Prediction:TrainAtFirstRun=false", "--Edge:StartLocalGateway=false", "--Logging:LogLevel:Default=Warning"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def call(method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token: req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")
try:
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/health/live", timeout=2); break
        except Exception: time.sleep(0.5)
    token = call("POST", "/v3/directline/tokens/generate", {"user": {"id": "demo-sales"}})["token"]
    conv = call("POST", "/v3/directline/conversations", None, token)["conversationId"]
    def timed(f, n):
        out = []
        for _ in range(n):
            t = time.perf_counter(); f(); out.append((time.perf_counter() - t) * 1000)
        return out
    # Fill the history to its bound: typing activities are appended without a turn.
    typing = lambda: call("POST", f"/v3/directline/conversations/{conv}/activities", {"type": "typing"}, token)
    timed(typing, 20)
    append = timed(typing, 200)
    say = lambda: call("POST", f"/v3/directline/conversations/{conv}/activities", {"type": "message", "text": "who am I?"}, token)
    turn = timed(say, 250)
    mark = call("GET", f"/v3/directline/conversations/{conv}/activities", None, token)["watermark"]
    poll = timed(lambda: call("GET", f"/v3/directline/conversations/{conv}/activities?watermark={mark}", None, token), 300)
    history = timed(lambda: call("GET", f"/v3/directline/conversations/{conv}/activities", None, token), 60)
    resume = timed(lambda: call("POST", "/v3/directline/tokens/generate", {"user": {"id": "demo-sales"}, "resume": True}), 60)
    def q(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]
    for name, xs in [("append (typing activity, no turn)", append), ("message and the bot's turn (who am I?)", turn), ("poll with watermark, nothing new", poll),
                     ("full history (reopened page, ~500 activities)", history), ("token with resume", resume)]:
        print(f"{name}: n={len(xs)} p50={q(xs, .5):.1f} ms p95={q(xs, .95):.1f} ms")
finally:
    proc.terminate(); proc.wait(30)
    shutil.rmtree(folder, ignore_errors=True)
