#!/usr/bin/python3
"""tests/apply/supervisor.py LOG PORTFILE [FAIL_ID...] - a wasmiot device
supervisor's deployment contract, for orch-apply's tests, on 127.0.0.1.

POST /deploy with a JSON body (a deployment: deploymentId, modules,
endpoints...) stores it; DELETE /deploy/<id> forgets it (404 when unknown).
Every request is appended to LOG as one JSON line {method, path, body};
the port chosen is written to PORTFILE.  A deployment whose id is listed
as FAIL_ID is refused with HTTP 500, to test orch-apply's undo.
For the tests only (not in the contract, not logged): GET /deploy answers
the deployments held, by id; DELETE /deploy forgets them all."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG, PORTFILE, FAIL = sys.argv[1], sys.argv[2], set(sys.argv[3:])
deployments = {}


class Supervisor(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def record(self, body):
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "body": body}) + "\n")

    def answer(self, status, doc):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            body = json.loads(raw)
        except ValueError:
            return self.answer(400, {"error": "not JSON"})
        self.record(body)
        if self.path != "/deploy" or self.headers.get("Content-Type") != "application/json":
            return self.answer(400, {"error": "POST /deploy with application/json only"})
        if not isinstance(body, dict) or "deploymentId" not in body or "modules" not in body:
            return self.answer(400, {"error": "not a deployment"})
        if body["deploymentId"] in FAIL:
            return self.answer(500, {"error": "refused by the test"})
        deployments[body["deploymentId"]] = body
        self.answer(200, {"status": "success"})

    def do_GET(self):
        if self.path != "/deploy":
            return self.answer(404, {"error": "GET /deploy only"})
        self.answer(200, deployments)

    def do_DELETE(self):
        if self.path == "/deploy":
            deployments.clear()
            return self.answer(200, {"status": "reset"})
        self.record(None)
        prefix = "/deploy/"
        if not self.path.startswith(prefix) or self.path[len(prefix):] not in deployments:
            return self.answer(404, {"error": "no such deployment"})
        del deployments[self.path[len(prefix):]]
        self.answer(200, {"status": "deleted"})


server = ThreadingHTTPServer(("127.0.0.1", 0), Supervisor)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
