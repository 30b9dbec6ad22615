from .builders import doctor, fresh_cache, hq, shop, shop_b, town, worker_a1, worker_b1  # noqa: F401  fixtures
