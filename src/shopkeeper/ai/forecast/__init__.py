"""Demand forecasting: validated sales series in, forecasts with intervals and reasons out.

- :mod:`.series`: the long-format input (``unique_id, ds, y``) and its checks;
- :mod:`.demand_class`: smooth, erratic, intermittent or lumpy demand (ADI and CV²);
- :mod:`.candidates`: the statsforecast models tried for each kind of demand;
- :mod:`.selection`: rolling-origin validation and the choice per series;
- :mod:`.intervals`: conformal intervals per step ahead from the validation errors;
- :mod:`.local`: :class:`~.local.LocalForecaster`, the registered model;
- :mod:`.metrics`: sMAPE, MASE and interval coverage (M4 definitions).
"""
