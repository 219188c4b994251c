"""The charts page of the published warehouse, also shown in the Dagster UI as materialization metadata."""

import time

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from ..progress import Progress, report
from ..report import figure_png, png_data_uri, summary_markdown, write_report
from ..resources import WarehouseResource
from .publish import published_warehouse


@asset(
    deps=[published_warehouse],
    group_name="publish",
    kinds={"html"},
    owners=["team:data-engineering"],
    description="Charts of the published warehouse in one self-contained HTML page (warehouse/report/index.html, "
    "inline SVG, no network needed): budgets by function class and year, basic vs project composition, the "
    "largest units, identity results per document and budget vs final accounts. The same charts are in "
    "this asset's metadata (`budgetwh report` writes the page from any warehouse file).",
)
def warehouse_report(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    paths = warehouse.paths
    started = time.monotonic()
    target, frames, charts = write_report(paths.warehouse, paths.report_dir)
    context.log.info(f"wrote {target}")
    # The UI renders markdown images from data: URIs (base64 PNG, as Dagster's own tutorial does).
    figures = {
        f"chart_{c.key}": MetadataValue.md(f"**{c.title}**\n\n![{c.title}]({png_data_uri(figure_png(c.figure))})")
        for c in charts if c.figure is not None
    }
    report(context.log, Progress("charts", item=str(target), seconds=time.monotonic() - started,
                                 outcome=f"{len(figures)} charts"))
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(target)),
        "summary": MetadataValue.md(summary_markdown(frames)),
        "charts": len(figures),
        **figures,
    })
