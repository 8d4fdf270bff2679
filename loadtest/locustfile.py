"""50 readers over the public pages: home, a ranking, an agency, a comparison and a CSV download."""

import os
import random

from locust import HttpUser, between, task

YEAR = os.environ["LOADTEST_YEAR"]  # the synthetic dataset's year, set by loadtest/run.py
BLOCKS = [f"khoi-{b}" for b in range(1, 7)]
AGENCIES = [f"co-quan-{n:04d}" for n in range(1, 1001)]


class Reader(HttpUser):
    wait_time = between(0.1, 0.5)

    @task(2)
    def home(self):
        self.client.get("/")

    @task(4)
    def ranking(self):
        self.client.get(f"/rankings/{YEAR}/{random.choice(BLOCKS)}/", name="/rankings/[year]/[block]/")

    @task(4)
    def agency(self):
        self.client.get(f"/agencies/{random.choice(AGENCIES)}/", name="/agencies/[slug]/")

    @task(1)
    def compare(self):
        block = random.randrange(6)
        first, second = (AGENCIES[block + 6 * n] for n in random.sample(range(160), 2))  # same block: n % 6
        self.client.get(f"/compare/?year={YEAR}&agencies={first},{second}", name="/compare/")

    @task(1)
    def csv(self):
        self.client.get(f"/rankings/{YEAR}/{random.choice(BLOCKS)}.csv", name="/rankings/[year]/[block].csv")
