#!/usr/bin/env python3
"""POSTs promotion documents (a JSON array on stdin) to a Marquee server: seed.py PORT KEY."""
import http.client
import json
import sys

port, key = int(sys.argv[1]), sys.argv[2]
promotions = json.load(sys.stdin)
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
for promotion in promotions:
    conn.request("POST", "/v1/promotions", body=json.dumps(promotion),
                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 201:
        sys.exit(f"seeding {promotion['id']} failed: {response.status} {body[:300]!r}")
print(f"seeded {len(promotions)} promotions")
