"""Demo data for the embedded default: French customers, a furniture catalogue, sales orders.

``seed_demo_data(uow, clock)`` fills an empty database once; the data is deterministic for a
given seed and day (same customers, SIREN/SIRET, products and orders every time).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from verone.backoffice.domain.orders import SalesOrder, SalesOrderItem
from verone.backoffice.domain.parties import Customer, CustomerKind, Product
from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.domain.statuses import OrderStatus
from verone.backoffice.ports import Clock, UnitOfWork
from verone.money import DiscountKind

DEMO_SEED = 2026
ORDER_COUNT = 36

VAT_STANDARD = Decimal("0.2")

# (name, street, postal code, city, e-mail domain)
COMPANIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Maison Lumière SARL", "12 rue de la Paix", "75002", "Paris", "maison-lumiere.fr"),
    ("Hôtel Les Tilleuls", "4 avenue Jean Médecin", "06000", "Nice", "hotel-tilleuls.fr"),
    ("Atelier Bois & Lin", "27 quai Saint-Antoine", "69002", "Lyon", "boisetlin.fr"),
    ("Galerie Rive Gauche SAS", "88 boulevard Saint-Germain", "75006", "Paris", "rivegauche.fr"),
    ("Restaurant Le Comptoir", "3 place du Parlement", "33000", "Bordeaux", "lecomptoir.fr"),
    ("Conciergerie Bretonne", "15 rue de Siam", "29200", "Brest", "conciergerie-bzh.fr"),
    ("Studio Archi Nord", "9 rue Esquermoise", "59800", "Lille", "archinord.fr"),
    ("Boutique Provence Déco", "21 cours Mirabeau", "13100", "Aix-en-Provence", "provdeco.fr"),
    ("Cabinet Durand Avocats", "6 rue Foch", "34000", "Montpellier", "durand-avocats.fr"),
    ("Chalets du Mont-Blanc", "140 route des Praz", "74400", "Chamonix", "chalets-mb.fr"),
    ("Espace Coworking Loire", "2 rue de la Fosse", "44000", "Nantes", "cowork-loire.fr"),
    ("Domaine des Vignes SCEA", "Lieu-dit Les Combes", "21200", "Beaune", "domainevignes.fr"),
    ("Librairie du Capitole", "31 rue du Taur", "31000", "Toulouse", "librairie-capitole.fr"),
    ("Clinique Vétérinaire Alsace", "5 quai des Bateliers", "67000", "Strasbourg", "cva.fr"),
)

# (first name, last name, street, postal code, city)
INDIVIDUALS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Camille", "Martin", "18 rue des Lilas", "75020", "Paris"),
    ("Julien", "Bernard", "7 allée des Pins", "33700", "Mérignac"),
    ("Sophie", "Dubois", "42 rue Nationale", "37000", "Tours"),
    ("Thomas", "Moreau", "11 impasse du Moulin", "67100", "Strasbourg"),
    ("Léa", "Laurent", "3 chemin des Vignes", "84000", "Avignon"),
    ("Nicolas", "Lefèvre", "56 avenue de la République", "63000", "Clermont-Ferrand"),
    ("Chloé", "Garnier", "9 rue du Port", "17000", "La Rochelle"),
    ("Antoine", "Rousseau", "24 rue Victor Hugo", "38000", "Grenoble"),
    ("Manon", "Fontaine", "1 place Stanislas", "54000", "Nancy"),
    ("Hugo", "Chevalier", "65 rue de Brest", "35000", "Rennes"),
)

# (sku, name, unit price HT, unit, description)
CATALOGUE: tuple[tuple[str, str, str, str, str], ...] = (
    ("CAN-OSLO-3", "Canapé Oslo 3 places", "1290.00", "pièce", "Lin lavé, pieds chêne massif"),
    ("CAN-MILO-A", "Canapé d'angle Milo", "2190.00", "pièce", "Velours côtelé, réversible"),
    ("FAU-ROMY", "Fauteuil Romy", "540.00", "pièce", "Bouclette écrue, structure hêtre"),
    ("TAB-ARTE-200", "Table Arte 200 cm", "1480.00", "pièce", "Chêne huilé, 8 couverts"),
    ("TAB-BASSE-TRV", "Table basse travertin", "690.00", "pièce", "Plateau travertin poli"),
    ("TAB-CHEV-ROND", "Table de chevet ronde", "159.00", "pièce", "Noyer, un tiroir"),
    ("CHA-NOVA", "Chaise Nova", "129.00", "pièce", "Assise cannée, frêne teinté"),
    ("TAB-HAUT-BAR", "Tabouret de bar Loft", "145.00", "pièce", "Acier noir, assise cuir"),
    ("LUM-SUSP-OPAL", "Suspension Opale", "249.00", "pièce", "Verre soufflé, Ø 40 cm"),
    ("LUM-LAMP-ARC", "Lampadaire Arc", "389.00", "pièce", "Laiton brossé, marbre"),
    ("LUM-APP-DUNE", "Applique Dune", "119.00", "pièce", "Plâtre à peindre"),
    ("LUM-LAMP-BUR", "Lampe de bureau Atelier", "89.00", "pièce", "Métal laqué vert"),
    ("TAP-BERB-200", "Tapis berbère 200x300", "890.00", "pièce", "Laine nouée main"),
    ("TAP-JUTE-160", "Tapis jute 160x230", "240.00", "pièce", "Jute naturel tressé"),
    ("TAP-LAINE-RD", "Tapis rond laine Ø 150", "310.00", "pièce", "Laine tuftée, écru"),
    ("MIR-SOLEIL", "Miroir soleil Ø 80", "210.00", "pièce", "Rotin et laiton"),
    ("BIB-ESCALE", "Bibliothèque Escale", "760.00", "pièce", "Chêne, 5 niveaux"),
    ("BUF-RIVIERA", "Buffet Riviera", "1150.00", "pièce", "Cannage et chêne, 3 portes"),
    ("LIT-NUAGE-160", "Lit Nuage 160x200", "1340.00", "pièce", "Tête de lit capitonnée"),
    ("COU-LIN-PLAID", "Plaid lin lavé", "79.00", "pièce", "Lin français, 130x170"),
    ("COU-COUSSIN", "Coussin velours 45x45", "39.00", "pièce", "Velours de coton"),
    ("VAS-GRES", "Vase grès émaillé", "65.00", "pièce", "Fait main, pièce unique"),
    ("RID-LIN-140", "Rideau lin 140x280", "95.00", "pièce", "Lin lourd, œillets"),
    ("SRV-POSE", "Installation et montage", "60.00", "heure", "Pose sur site par nos équipes"),
    ("SRV-CONSEIL", "Conseil en décoration", "85.00", "heure", "Visite et planche d'ambiance"),
)

ORDER_STATUSES: tuple[OrderStatus, ...] = (
    OrderStatus.DRAFT,
    OrderStatus.CONFIRMED,
    OrderStatus.CONFIRMED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    customers: int
    products: int
    orders: int


def _luhn_digit(digits: str) -> str:
    """The digit that makes ``digits + d`` pass the Luhn check (SIREN and SIRET use it)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and _luhn_digit(number[:-1]) == number[-1]


def make_siren(rng: random.Random) -> str:
    body = str(rng.randint(10_000_000, 99_999_999))
    return body + _luhn_digit(body)


def make_siret(siren: str, rng: random.Random) -> str:
    body = siren + f"{rng.randint(1, 99):04d}"
    return body + _luhn_digit(body)


def french_vat_number(siren: str) -> str:
    """FR + two-digit key + SIREN (the key is (12 + 3 x (SIREN mod 97)) mod 97)."""
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def build_customers(rng: random.Random, created_at: datetime) -> list[Customer]:
    customers: list[Customer] = []
    for name, street, postal_code, city, domain in COMPANIES:
        siren = make_siren(rng)
        customers.append(
            Customer(
                kind=CustomerKind.COMPANY,
                company_name=name,
                email=f"compta@{domain}",
                phone=f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                vat_number=french_vat_number(siren),
                siren=siren,
                siret=make_siret(siren, rng),
                billing_street=street,
                billing_postal_code=postal_code,
                billing_city=city,
                billing_country="FR",
                created_at=created_at,
                id=_uuid(rng),
            )
        )
    for first, last, street, postal_code, city in INDIVIDUALS:
        slug = f"{first}.{last}".lower().replace("é", "e").replace("è", "e").replace("ï", "i")
        customers.append(
            Customer(
                kind=CustomerKind.INDIVIDUAL,
                first_name=first,
                last_name=last,
                email=f"{slug}@example.fr",
                phone=f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                billing_street=street,
                billing_postal_code=postal_code,
                billing_city=city,
                billing_country="FR",
                created_at=created_at,
                id=_uuid(rng),
            )
        )
    return customers


def build_products(rng: random.Random, created_at: datetime) -> list[Product]:
    return [
        Product(
            sku=sku,
            name=name,
            unit_price=Decimal(price),
            vat_rate=VAT_STANDARD,
            unit=unit,
            description=description,
            created_at=created_at,
            id=_uuid(rng),
        )
        for sku, name, price, unit, description in CATALOGUE
    ]


def _items(rng: random.Random, products: list[Product]) -> list[SalesOrderItem]:
    chosen = rng.sample(products, rng.randint(1, 4))
    items: list[SalesOrderItem] = []
    for position, product in enumerate(chosen):
        discounted = rng.random() < 0.2
        items.append(
            SalesOrderItem(
                title=product.name,
                description=product.description,
                unit=product.unit,
                quantity=Decimal(rng.choice((1, 1, 1, 2, 2, 3, 4, 6))),
                unit_price=product.unit_price,
                vat_rate=product.vat_rate,
                product_id=product.id,
                discount_kind=DiscountKind.PERCENTAGE if discounted else None,
                discount_value=Decimal(rng.choice(("0.05", "0.1", "0.15"))) if discounted else None,
                position=position,
                id=_uuid(rng),
            )
        )
    return items


def build_orders(
    rng: random.Random, today: date, customers: list[Customer], products: list[Product]
) -> list[SalesOrder]:
    orders: list[SalesOrder] = []
    for index in range(ORDER_COUNT):
        order_date = today - timedelta(days=(ORDER_COUNT - index) * 5 + rng.randint(0, 4))
        discount = rng.random()
        order = SalesOrder(
            reference=f"CMD-{order_date.year}-{index + 1:04d}",
            customer_id=rng.choice(customers).id,
            order_date=order_date,
            created_at=_at(order_date),
            status=ORDER_STATUSES[index % len(ORDER_STATUSES)],
            items=_items(rng, products),
            shipping_cost=Decimal(rng.choice(("0.00", "49.00", "89.00", "149.00"))),
            discount_kind=(
                DiscountKind.PERCENTAGE
                if discount < 0.15
                else DiscountKind.ABSOLUTE
                if discount < 0.25
                else None
            ),
            discount_value=(
                Decimal("0.05")
                if discount < 0.15
                else Decimal("50.00")
                if discount < 0.25
                else None
            ),
            payment_terms_days=rng.choice((0, 30, 30, 45)),
            notes="Livraison sur rendez-vous." if rng.random() < 0.3 else None,
            id=_uuid(rng),
        )
        orders.append(order)
    return orders


def database_is_empty(uow: UnitOfWork) -> bool:
    """True when there is no customer, product or order yet (``uow`` already entered)."""
    first = PageRequest(page=1, per_page=1)
    return (
        uow.customers.list(first).total == 0
        and uow.products.list(first, active_only=False).total == 0
        and uow.orders.list(first).total == 0
    )


def seed_demo_data(uow: UnitOfWork, clock: Clock, seed: int = DEMO_SEED) -> DemoSummary | None:
    """Fill an empty database with the demo data; ``None`` (and no change) if it has data."""
    today = clock.today()
    rng = random.Random(f"{seed}:{today.isoformat()}")  # noqa: S311  # demo data, no secret
    created_at = _at(today - timedelta(days=ORDER_COUNT * 5 + 10))
    with uow:
        uow.lock("demo-data")
        if not database_is_empty(uow):
            return None
        customers = build_customers(rng, created_at)
        products = build_products(rng, created_at)
        orders = build_orders(rng, today, customers, products)
        for customer in customers:
            uow.customers.add(customer)
        for product in products:
            uow.products.add(product)
        for order in orders:
            uow.orders.add(order)
        uow.commit()
    return DemoSummary(len(customers), len(products), len(orders))
