"""Municipalities known from the start: the demo towns of the source documents (more via admin or import)."""

# slug: (name, official code, country, region, latitude, longitude)
MUNICIPALITIES: dict[str, tuple[str, str, str, str, float, float]] = {
    "sevnica": ("Sevnica", "110", "SI", "Posavje", 46.0092, 15.3150),
    "krsko": ("Krško", "054", "SI", "Posavje", 45.9590, 15.4920),
    "brezice": ("Brežice", "009", "SI", "Posavje", 45.9040, 15.5920),
    "trbovlje": ("Trbovlje", "129", "SI", "Zasavje", 46.1550, 15.0530),
    "zagorje-ob-savi": ("Zagorje ob Savi", "142", "SI", "Zasavje", 46.1340, 14.9960),
    "litija": ("Litija", "060", "SI", "Zasavje", 46.0580, 14.8300),
    "randers": ("Randers", "730", "DK", "Region Midtjylland", 56.4607, 10.0364),
    "vanlose": ("Vanløse (København)", "101", "DK", "Region Hovedstaden", 55.6870, 12.4910),
}
