"""The bot runner of Pipecat's 2024 dial-in example, as a benchmark peer for `dialin serve`.

It does what the seed document "Dialin with Daily" describes for `bot_runner.py`: a FastAPI
service whose `/start_bot` reads `callId` and `callDomain` from Daily's dial-in webhook, creates
a SIP dial-in room over Daily's REST API, creates a meeting token over the REST API, and spawns
the bot as a subprocess with `-u ROOM_URL -t TOKEN -i CALL_ID -d CALL_DOMAIN -s SIP_URI`.
REST calls go through one shared aiohttp session, as Pipecat's Daily REST helper does. The bot
is started from an argument list (not a shell), so the comparison measures the pattern, not
shell start-up.

Run it with Debian's Python and packages (python3-fastapi, python3-uvicorn, python3-aiohttp):

    DAILY_API_URL=http://127.0.0.1:PORT/v1 DAILY_API_KEY=KEY \
    BOT_CMD="path/to/bot --flag" /usr/bin/python3 seed_bot_runner.py --port 7861

It answers `POST /start_bot` and `GET /healthz`. It checks no signature and sets no caps: the
seed's pattern has neither.
"""

import argparse
import os
import shlex
import subprocess
import time

import aiohttp
import uvicorn
from fastapi import FastAPI, HTTPException, Request

API_URL = os.environ.get("DAILY_API_URL", "https://api.daily.co/v1").rstrip("/")
API_KEY = os.environ.get("DAILY_API_KEY", "")
BOT_CMD = shlex.split(os.environ.get("BOT_CMD", "python3 -m bot"))
ROOM_TTL_S = int(os.environ.get("ROOM_TTL_S", "3600"))

app = FastAPI()
session: aiohttp.ClientSession | None = None
children: list[subprocess.Popen] = []


@app.on_event("startup")
async def startup() -> None:
    global session
    session = aiohttp.ClientSession(headers={"Authorization": f"Bearer {API_KEY}"})


@app.on_event("shutdown")
async def shutdown() -> None:
    if session is not None:
        await session.close()
    for child in children:
        if child.poll() is None:
            child.terminate()


async def daily_post(path: str, body: dict) -> dict:
    assert session is not None
    async with session.post(f"{API_URL}{path}", json=body) as resp:
        data = await resp.json(content_type=None)
        if resp.status != 200:
            raise HTTPException(status_code=500, detail=f"Daily {path} answered {resp.status}: {data}")
        return data


@app.get("/healthz")
async def healthz() -> dict:
    return {"ok": True}


@app.post("/start_bot")
async def start_bot(request: Request) -> dict:
    try:
        data = await request.json()
    except Exception:
        raise HTTPException(status_code=500, detail="Missing properties 'callId' or 'callDomain'")
    if isinstance(data, dict) and ("test" in data or "Test" in data) and "callId" not in data:
        return {"status": "ok"}  # Daily's verification request
    if not isinstance(data, dict) or "callId" not in data or "callDomain" not in data:
        raise HTTPException(status_code=500, detail="Missing properties 'callId' or 'callDomain'")
    call_id, call_domain = data["callId"], data["callDomain"]

    exp = int(time.time()) + ROOM_TTL_S
    room = await daily_post(
        "/rooms",
        {
            "properties": {
                "exp": exp,
                "sip": {"display_name": "sip-dialin", "video": False, "sip_mode": "dial-in", "num_endpoints": 1},
            }
        },
    )
    sip_uri = (room.get("config") or {}).get("sip_uri") or {}
    sip_endpoint = sip_uri.get("endpoint", "") if isinstance(sip_uri, dict) else str(sip_uri)
    token = (await daily_post("/meeting-tokens", {"properties": {"room_name": room["name"], "is_owner": True, "exp": exp}}))["token"]

    argv = BOT_CMD + ["-u", room["url"], "-t", token, "-i", call_id, "-d", call_domain, "-s", sip_endpoint]
    children.append(subprocess.Popen(argv, cwd=os.path.dirname(os.path.abspath(__file__))))
    return {"room_url": room["url"], "sip_uri": sip_endpoint}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The seed's dial-in bot runner pattern")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7861)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
