"""Finding the header row and what each column means."""

from fangkong.ledger import columns


def test_synonyms_and_decorations():
    assert columns.field_of("公民身份号码") == "id_number"
    assert columns.field_of("证件号码") == "id_number"
    assert columns.field_of(" 身份证号码* ") == "id_number"
    assert columns.field_of("联系电话（手机）") == "phone"
    assert columns.field_of("抵达时间") == "arrival_date"
    assert columns.field_of("从何地返回") == "origin"
    assert columns.field_of("村（社区）") == "village"
    assert columns.field_of("车次/航班/车牌") == "transport_number"
    assert columns.field_of("人员类别") == "category"
    assert columns.field_of("东岳村返乡人员台账") is None
    assert columns.field_of(12) is None


def test_header_below_title_rows():
    rows = [["东岳村返乡人员台账", "", ""], ["填报日期：2020年1月25日", "", ""], ["", "", ""],
            ["序号", "姓名", "公民身份号码", "手机"], [1, "张三", "420921198001011234", "13812345678"]]
    header = columns.find_header(rows)
    assert header.last_row == 3
    assert header.columns == {"seq": 0, "name": 1, "id_number": 2, "phone": 3}
    assert header.titles["id_number"] == "公民身份号码"
    assert header.missing() == []


def test_two_row_header_with_group_labels():
    rows = [["序号", "姓名", "身份证号", "返乡信息", "", ""],
            ["", "", "", "来自何地", "返回日期", "交通方式"],
            [1, "张三", "420921198001011234", "武汉", "2020-01-23", "火车"]]
    header = columns.find_header(rows)
    assert header.last_row == 1
    assert header.columns == {"seq": 0, "name": 1, "id_number": 2, "origin": 3, "arrival_date": 4,
                              "transport_mode": 5}


def test_no_header():
    assert columns.find_header([["填表说明"], ["请按模板填写"]]) is None
    assert columns.find_header([]) is None


def test_missing_required_column():
    header = columns.find_header([["姓名", "手机", "现住址"]])
    assert header.missing() == ["id_number"]
