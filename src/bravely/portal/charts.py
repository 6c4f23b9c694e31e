"""The distress curve of one practice as coordinates for a small server-rendered SVG.

Plain numbers in, plain numbers out; the template draws them (portal/_curve.html), with the
ceiling as a dashed reference line and a data table beside it, so no JavaScript is needed.
"""

WIDTH, HEIGHT = 320, 160
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 10, 26


def distress_curve(ratings, scale_max: int, ceiling=None) -> dict:
    """ratings: [{"minute": m, "value": v}, ...] in order. Returns what the SVG needs."""
    ratings = [r for r in ratings or [] if isinstance(r, dict)]
    span = max([r["minute"] for r in ratings] + [1])
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    scale_max = max(1, scale_max)

    def x(minute):
        return round(LEFT + inner_w * minute / span, 1)

    def y(value):
        return round(TOP + inner_h * (1 - min(value, scale_max) / scale_max), 1)

    points = [{"x": x(r["minute"]), "y": y(r["value"]), "minute": r["minute"],
               "value": r["value"]} for r in ratings]
    peak = max(points, key=lambda p: p["value"]) if points else None
    return {
        "width": WIDTH, "height": HEIGHT, "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "peak": peak, "span": span, "scale_max": scale_max,
        "ceiling_y": y(ceiling) if ceiling is not None else None, "ceiling": ceiling,
        "axis": {"left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "bottom": HEIGHT - BOTTOM,
                 "mid_y": y(scale_max / 2), "mid": scale_max // 2},
    }
