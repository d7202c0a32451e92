#!/usr/bin/env python3
"""A warm Pipecat dial-in bot for `dialin serve --warm-bots N` (see docs/warm-bots.md)."""
import asyncio, json, os, sys

# The slow part (seconds of imports, models) runs before the call: serve starts the bot ahead.
from pipecat.transports.daily.transport import DailyDialinSettings, DailyParams, DailyTransport
from bot import run_bot  # your pipeline, e.g. Pipecat's phone-chatbot example: run_bot(transport)

print("dialin:waiting", flush=True)      # 1. ready: serve may now hand this bot a call
call = json.loads(sys.stdin.readline())  # 2. the call, one JSON line, then EOF
print("dialin:accepted", flush=True)     # 3. within warm_accept_timeout (1 s), or serve kills the bot


async def main():
    dialin = DailyDialinSettings(call_id=call["call_id"], call_domain=call["call_domain"])
    params = DailyParams(api_url=os.environ.get("DAILY_API_URL", "https://api.daily.co/v1"),
                         api_key=os.environ.get("DAILY_API_KEY", ""),  # with patch: bot, Pipecat patches on dialin-ready
                         dialin_settings=dialin, audio_in_enabled=True, audio_out_enabled=True)
    await run_bot(DailyTransport(call["room_url"], call["token"], "Bot", params))


asyncio.run(main())
