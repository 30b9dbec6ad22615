"""Builders for the checkpoint and passage tests. Each test makes what it needs."""

import datetime
import json

from fangkong.checkpoints.services import checkpoints as checkpoint_services
from fangkong.checkpoints.services import passages as passage_services
from fangkong.risk_areas.models import RiskArea
from tests import factories as f

# Valid resident IDs (GB 11643 check digits), issued in 孝昌县 and in 武汉 (420102)
ID_1 = "420921199001011239"
ID_2 = "420921198505050026"
ID_3 = "420102197003030036"
WUHAN = "420102"  # 江岸区: an origin code in a risk area when the test makes 4201 one


def valid_id(body17: str) -> str:
    from stdnum.cn import ric
    return body17 + ric.calc_check_digit(body17 + "0")


def checkpoint(actor, name="花园高速出口", region=f.TOWN_A, kind="highway_exit", **extra):
    return checkpoint_services.create_checkpoint(actor, name=name, kind=kind, region_code=region, **extra)


def passage(actor, cp, id_number=ID_1, name="张三", temperature="36.5", outcome="pass", **extra):
    return passage_services.register_passage(actor, cp, id_number=id_number, name=name, temperature=temperature,
                                             outcome=outcome, **extra)


def risk_area(code="4201", name="武汉市", days_back=30, until=None):
    return RiskArea.objects.create(code=code, name=name, valid_from=datetime.date.today() - datetime.timedelta(days_back),
                                   valid_until=until)


def post_json(client, path, body=None):
    response = client.post(path, json.dumps(body or {}), content_type="application/json")
    return response.status_code, json.loads(response.content or b"null")


def get_json(client, path, **params):
    response = client.get(path, params)
    return response.status_code, json.loads(response.content or b"null")
