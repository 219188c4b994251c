"""Code catalogues (dbt seeds) against what the sample documents print: hierarchy, English labels, the
department→government economic mapping, and codes outside the catalogue kept and flagged."""

from __future__ import annotations


def test_every_class_has_an_english_label(wh):
    for table, level in (("dim_function_code", "class"), ("dim_econ_code", "class")):
        missing = wh.execute(
            f"select * from {table} where level = ? and in_catalogue "
            f"and {'class_name_en' if table == 'dim_function_code' else 'econ_class_name_en'} is null", [level]
        ).fetchall()
        assert not missing, missing
    assert wh.execute("select class_name_en from dim_function_code where function_code = '210'").fetchone() == (
        "Health",)


def test_hierarchy_links_items_to_sections_and_classes(wh):
    row = wh.execute("""select level, section_code, section_name, class_code, class_name
                        from dim_function_code where function_code = '2101501'""").fetchone()
    assert row == ("item", "21015", "医疗保障管理事务", "210", "卫生健康支出")
    assert wh.execute("select parent_code, level from dim_econ_code where econ_code = '30227'").fetchone() == (
        "302", "item")


def test_the_samples_use_only_catalogued_codes(wh):
    # the dbt test codes_missing_from_catalogue warns about any code that is not; on the samples none is
    for table, key in (("dim_function_code", "function_code"), ("dim_econ_code", "econ_code")):
        assert not wh.execute(
            f"select {key} from {table} where not in_catalogue and {key} <> 'unspecified'").fetchall()


def test_printed_economic_pairs_follow_the_department_to_government_mapping(wh):
    pairs = wh.execute("""select distinct f.econ_dept_code, f.econ_gov_code, m.gov_code_agency, m.gov_code_institution
                          from fact_expenditure f join dim_econ_code m on m.econ_code = f.econ_dept_code
                          where f.econ_gov_code <> 'unspecified'""").fetchall()
    assert len(pairs) >= 10  # the Beijing documents print both codes on each line
    assert all(gov in (agency, institution) for _, gov, agency, institution in pairs), pairs


def test_economic_codes_in_a_function_code_column_land_in_the_economic_dimension(wh):
    # Hebei's 基本支出表 prints 301… codes under "科目编码"; they must not become function codes
    assert not wh.execute("select function_code from dim_function_code where function_code similar to '[35].*'"
                          ).fetchall()
