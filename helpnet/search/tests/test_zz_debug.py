import os

import pytest

from helpnet.directory.demo.loader import load_demo
from helpnet.directory.queries import SearchParams, search_services
from helpnet.search.queries import query_groups


@pytest.mark.django_db
def test_debug():
    load_demo()
    for q, lang in [tuple(x.split("|")) for x in os.environ["QS"].split(";")]:
        print("\n==", q, lang, query_groups(q, lang))
        for s in search_services(SearchParams(q=q, lang=lang), per_page=8).services:
            print("   ", s.name)
