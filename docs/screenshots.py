"""Regenerate the README's screenshots: `.venv/bin/python docs/screenshots.py`.

Runs the console headless on a freshly seeded reference shop and saves SVGs of the queue
and an order's detail into docs/.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))


async def main() -> None:
    from client.woocommerce import WooCommerceClient
    from shop import db, keys, seed
    from shop.server import start_in_thread
    from tui.app import OrderDeskApp
    from tui.config import Config

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ORDERDESK_CONFIG_DIR"] = str(Path(tmp) / "config")
        os.environ["ORDERDESK_DATA_DIR"] = str(Path(tmp) / "data")
        path = Path(tmp) / "shop.sqlite3"
        db.init_db(path)
        seed.seed(path, 300)
        key, secret = keys.create_key(path, "read_write")
        running = start_in_thread(path)
        try:
            client = WooCommerceClient(running.url, key, secret, name="demo shop")
            app = OrderDeskApp(client, config=Config(bell=False), shop_label="demo shop", demo=True)
            async with app.run_test(size=(110, 32)) as pilot:
                while not app.loaded:
                    await pilot.pause(0.05)
                await pilot.pause(0.3)
                await pilot.press("j", "j", "space", "j", "space", "k")
                await pilot.pause(0.2)
                app.save_screenshot("queue.svg", str(HERE))
                await pilot.press("enter")
                for _ in range(100):
                    await pilot.pause(0.05)
                    if getattr(app.screen, "details", None) is not None:
                        break
                await pilot.pause(0.3)
                app.save_screenshot("detail.svg", str(HERE))
        finally:
            running.stop()
    print("wrote docs/queue.svg and docs/detail.svg")


if __name__ == "__main__":
    asyncio.run(main())
