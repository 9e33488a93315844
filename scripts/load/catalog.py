#!/usr/bin/env python3
"""Deterministic synthetic retail data for load tests: promotions and carts.

  catalog.py promotions N [--seed S]   -> JSON array of N promotion documents (a realistic mix)
  catalog.py cart LINES [--seed S]     -> one cart JSON document with LINES lines

The mix (per-sku, per-category, per-brand, per-tier, coupon-only, cart-level) follows what a
retail chain runs; most promotions target a few skus or one category, so a given cart matches
only a handful.
"""
import argparse
import json
import random

CATEGORIES = [f"cat-{i:02d}" for i in range(40)]
BRANDS = [f"brand-{i:02d}" for i in range(60)]
TIERS = ["bronze", "silver", "gold", "platinum"]
CHANNELS = ["web", "app", "pos"]
STORES = [f"store-{i:03d}" for i in range(150)]
SKUS = 20_000


def sku(rng):
    return f"{rng.randrange(SKUS):08d}"


def promotion(i, rng):
    kind = rng.random()
    promo = {"id": f"p-{i:06d}", "name": f"Promotion {i}", "priority": rng.randrange(0, 100)}
    if rng.random() < 0.3:
        promo["channels"] = rng.sample(CHANNELS, rng.randrange(1, 3))
    if rng.random() < 0.1:
        promo["stores"] = rng.sample(STORES, 3)
    if kind < 0.40:      # per-sku price cut
        promo["target"] = {"sku": {"$in": [sku(rng) for _ in range(rng.randrange(1, 6))]}}
        promo["action"] = {"type": "percentOff", "percent": str(rng.choice([5, 10, 15, 20, 30]))}
    elif kind < 0.65:    # per-category
        category = rng.choice(CATEGORIES)
        promo["trigger"] = {"lines.category": category}
        promo["target"] = {"category": category}
        if rng.random() < 0.5:
            promo["action"] = {"type": "buyXGetY", "buy": 2, "get": 1, "cheapest": True}
        else:
            promo["action"] = {"type": "percentOff", "percent": "10"}
    elif kind < 0.75:    # per-brand multibuy
        brand = rng.choice(BRANDS)
        promo["target"] = {"brand": brand}
        promo["currency"] = "EUR"
        promo["action"] = {"type": "multiBuy", "quantity": 3, "price": "10.00"}
    elif kind < 0.85:    # per-tier
        promo["trigger"] = {"customer.tier": rng.choice(TIERS), "customer.loyaltyCard": True}
        promo["target"] = {"category": rng.choice(CATEGORIES)}
        promo["action"] = {"type": "percentOff", "percent": "5"}
    elif kind < 0.95:    # coupon-only
        promo["coupon"] = True
        promo["currency"] = "EUR"
        promo["action"] = {"type": "amountOff", "amount": "5.00", "per": "cart"}
    else:                # cart-level spend tiers
        promo["currency"] = "EUR"
        promo["trigger"] = {"customer.tier": {"$in": ["gold", "platinum"]}}
        promo["action"] = {"type": "tieredSpend", "tiers": [
            {"threshold": "50.00", "percent": "5"}, {"threshold": "100.00", "percent": "10"}]}
    return promo


def cart(lines, rng):
    return {
        "currency": "EUR", "channel": rng.choice(CHANNELS), "store": rng.choice(STORES),
        "customer": {"id": rng.randrange(1, 1_000_000), "tier": rng.choice(TIERS), "loyaltyCard": True},
        "lines": [{
            "id": str(n + 1), "sku": sku(rng), "quantity": rng.randrange(1, 4),
            "unitPrice": f"{rng.randrange(99, 20000) / 100:.2f}",
            "category": rng.choice(CATEGORIES), "brand": rng.choice(BRANDS),
        } for n in range(lines)],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["promotions", "cart"])
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.what == "promotions":
        print(json.dumps([promotion(i, rng) for i in range(args.count)]))
    else:
        print(json.dumps(cart(args.count, rng)))


if __name__ == "__main__":
    main()
