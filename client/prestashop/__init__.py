"""The PrestaShop adapter: the shop protocol over PrestaShop's Webservice API (8.x).

Small modules, one job each: `wire` (JSON/XML answers to plain data, XML write bodies),
`errors` (PrestaShop's error answers to `client.errors`), `query` (an `OrderQuery` as
`filter[...]`, `sort`, `limit` parameters), `statuses` (order states to console statuses),
`mapping` (PrestaShop resources to the console's model) and `client` (`PrestaShopClient`).
See shared/prestashop-real/NOTES.md for what a real 8.2.1 store answers.
"""

from client.prestashop.client import PrestaShopClient

__all__ = ["PrestaShopClient"]
