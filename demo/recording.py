"""The demo's stand-in call recording: ten seconds of tones, a lower one for the customer's turns and a higher one for
the agent's, at the times the demo's call turns carry (demo.contacts.CALL_TURNS). Shipped as static/demo/call.wav;
`python -m demo.recording` writes it again."""

import io
import math
import wave
from pathlib import Path

RATE = 8000  # Hz, 8-bit mono: telephone quality, 8 kB a second
SECONDS = 10
# (start second, end second, tone Hz): the customer, the agent, the customer, the agent.
SEGMENTS = [(0.1, 2.7, 330), (3.1, 4.7, 523), (5.1, 7.7, 330), (8.1, 9.8, 523)]
PATH = Path(__file__).resolve().parent.parent / "static" / "demo" / "call.wav"


def demo_recording_bytes() -> bytes:
    frames = bytearray()
    for n in range(RATE * SECONDS):
        t = n / RATE
        level = 0.0
        for start, end, tone in SEGMENTS:
            if start <= t < end:
                fade = min(1.0, (t - start) / 0.05, (end - t) / 0.05)  # no clicks at the edges
                level = 0.35 * fade * math.sin(2 * math.pi * tone * t)
        frames.append(128 + round(127 * level))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(RATE)
        wav.writeframes(bytes(frames))
    return out.getvalue()


if __name__ == "__main__":  # pragma: no cover
    PATH.write_bytes(demo_recording_bytes())
