"""Barrier reports the end-to-end stories share: two differently worded accounts of one
procurement barrier (they must land in one theme), a third, and an unrelated risk barrier."""

PROCUREMENT_A = (
    "Procurement rules mean we can't buy from the local social enterprise that runs our "
    "befriending service; the tender framework only lets big contractors bid."
)
PROCUREMENT_B = (
    "The council's procurement framework shuts out small local providers: the tender "
    "process is too heavy for a social enterprise to bid for contracts."
)
PROCUREMENT_C = (
    "Tender rules and procurement frameworks stop us commissioning small local charities "
    "and social enterprises; only large contractors can bid."
)
RISK = (
    "Our risk policy forbids us from letting a patient go home with family support even "
    "when that is clearly in her interest; the risk assessment always says no."
)
