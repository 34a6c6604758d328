"""The demo shop's catalogue and customers, drawn from a seeded random generator."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from typing import Any

from shop import seed_data as data
from shop.order_doc import SHIPPING_KEYS

DAY = 86400
FIRST_PRODUCT_ID = 10


def ean13(rng: random.Random, prefix: str = "376") -> str:
    """A valid EAN-13 (GS1 France prefix by default) with its check digit."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(12 - len(prefix)))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def ascii_fold(text: str) -> str:
    """ "Élodie" → "elodie", for usernames and email addresses."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


@dataclass(frozen=True, slots=True)
class Person:
    first: str
    last: str
    company: str
    address_1: str
    address_2: str
    city: str
    postcode: str
    state: str
    country: str
    email: str
    phone: str

    def billing(self) -> dict[str, str]:
        return {
            "first_name": self.first,
            "last_name": self.last,
            "company": self.company,
            "address_1": self.address_1,
            "address_2": self.address_2,
            "city": self.city,
            "state": self.state,
            "postcode": self.postcode,
            "country": self.country,
            "email": self.email,
            "phone": self.phone,
        }

    def shipping(self) -> dict[str, str]:
        values = self.billing()
        return {k: values[k] if k != "phone" else "" for k in SHIPPING_KEYS}


class People:
    """Makes English and French people; registered customers get unique emails."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._emails: set[str] = set()

    def person(self, *, registered: bool = False) -> Person:
        rng = self.rng
        if rng.random() < 0.6:
            first, last = rng.choice(data.FIRST_NAMES_FR), rng.choice(data.LAST_NAMES_FR)
            city, postcode, state, country = rng.choice(data.CITIES_FR)
            street = f"{rng.randint(1, 180)} {rng.choice(data.STREETS_FR)}"
        else:
            first, last = rng.choice(data.FIRST_NAMES_EN), rng.choice(data.LAST_NAMES_EN)
            city, postcode, state, country = rng.choice(data.CITIES_EN)
            street = f"{rng.randint(1, 250)} {rng.choice(data.STREETS_EN)}"
        address_2 = rng.choice(("", "", "", "Apt 3", "Bâtiment B", "2e étage", "Flat 12"))
        company = rng.choice(data.COMPANIES) if rng.random() < 0.08 else ""
        base = f"{ascii_fold(first)}.{ascii_fold(last)}"
        domain = rng.choice(data.EMAIL_DOMAINS)
        email = f"{base}@{domain}"
        n = 1
        while email in self._emails:
            n += 1
            email = f"{base}{n}@{domain}"
        if registered:
            self._emails.add(email)
        return Person(
            first,
            last,
            company,
            street,
            address_2,
            city,
            postcode,
            state,
            country,
            email,
            self.phone(country),
        )

    def phone(self, country: str) -> str:
        r = self.rng.randint
        if country == "FR":
            return f"+33 6 {r(10, 99)} {r(10, 99)} {r(10, 99)} {r(10, 99)}"
        if country == "BE":
            return f"+32 470 {r(10, 99)} {r(10, 99)} {r(10, 99)}"
        if country == "CH":
            return f"+41 79 {r(100, 999)} {r(10, 99)} {r(10, 99)}"
        if country == "GB":
            return f"+44 7700 900{r(100, 999)}"
        if country == "IE":
            return f"+353 85 {r(100, 999)} {r(1000, 9999)}"
        return f"+1 555 01{r(10, 99)}"


def make_products(rng: random.Random) -> list[dict[str, Any]]:
    """Each base product in three colours (managed stock) plus an unmanaged gift card.

    `target` is the stock the product should end with; the history replay may raise it so
    that no moment of the history goes below zero.
    """
    created = -120 * DAY
    products = []
    for name, stem, category, price, weight in data.PRODUCT_BASES:
        for colour, code in data.COLOURS:
            product_id = FIRST_PRODUCT_ID + len(products)
            low = rng.random() < 0.12
            products.append(
                {
                    "id": product_id,
                    "name": f"{colour} {name}",
                    "sku": f"{stem}-{code}",
                    "gtin": ean13(rng),
                    "category": category,
                    "price": price,
                    "weight": weight,
                    "manage": True,
                    "backorders": "notify" if rng.random() < 0.1 else "no",
                    "created": created + product_id * 60,
                    "target": rng.choice((0, 2, 5)) if low else rng.randint(8, 240),
                }
            )
    for name, sku, category, price, weight in data.UNMANAGED:
        product_id = FIRST_PRODUCT_ID + len(products)
        products.append(
            {
                "id": product_id,
                "name": name,
                "sku": sku,
                "gtin": "",
                "category": category,
                "price": price,
                "weight": weight,
                "manage": False,
                "backorders": "no",
                "created": created + product_id * 60,
                "target": None,
            }
        )
    return products


def make_customers(people: People, count: int = 1500) -> list[dict[str, Any]]:
    """Registered customers (user ids from 2; 1 is the shop's admin)."""
    customers = []
    for i in range(count):
        person = people.person(registered=True)
        created = -people.rng.randint(95, 700) * DAY + people.rng.randint(0, DAY)
        customers.append(
            {
                "id": i + 2,
                "person": person,
                "created": created,
                "modified": created,
                "paying": False,
                "username": f"{ascii_fold(person.first)}{ascii_fold(person.last)}{i + 2}",
            }
        )
    return customers
