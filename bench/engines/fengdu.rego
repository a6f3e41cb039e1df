# chongqing/fengdu/2021 (丰都县 2021) in Rego. `input` is one household record
# of household/v1; `data.asof` holds the constants of the as-of date.
# A field the record leaves out makes a rule undefined: undefined is read as
# unknown, and `default` rules give what the policy's `otherwise` gives.
# Amounts are integer fen (round(yuan * 100)).
package fengdu

import rego.v1

fen(x) := round(x * 100)

line := 600000
single_limit := 1000000
yearly_limit := 3000000
large_deposit := 5000000
min_employees := 1
excluded_vehicles := {"luxury_car", "ship", "engineering_machinery", "large_farm_machinery"}
no_labour_kinds := {"lost", "none"}

# --- derived values ---
total := ((fen(input.income.business) + fen(input.income.wage)) + fen(input.income.property)) + fen(input.income.transfer)
expense := fen(input.income.business_expense)
default rigid := 0
rigid := fen(input.income.rigid_expense)
members_count := count(input.members)
# round(x / n, 2), half away from zero, in fen
net := round((total - expense) / members_count)
net_after_rigid := round(((total - expense) - rigid) / members_count)

default once_poor := false
once_poor if input.category == "alleviated"
once_poor if {
	input.category == "monitored"
	input.monitored_type == "unstable"
}

below_line := net < line
rigid_hardship := rigid > 0 if net_after_rigid < line else := false
default sharply_down := false
sharply_down if 2 * net <= fen(input.income.previous_net_per_capita)

medical := [e | some e in input.events; e.kind == "medical_expense"; e.date <= data.asof.today; e.date >= data.asof.year_start]
same_patient(e, f) if not e.member
same_patient(e, f) if not f.member
same_patient(e, f) if e.member == f.member
default medical_burden := false
medical_burden if {
	some e in medical
	fen(e.self_paid) > single_limit
}
medical_burden if {
	some e in medical
	s := sum([fen(object.get(f, "self_paid", 0)) | some f in medical; same_patient(e, f)])
	s > yearly_limit
}

default monitored := false
monitored if {
	input.category == "monitored"
	not input.monitoring.risk_eliminated == true
}

# --- categories, in order (undefined = unknown) ---
unstable := false if not once_poor
	else := false if not below_line
	else := count(input.risks) > 0

marginal := false if once_poor
	else := false if not below_line
	else := count(input.risks) > 0

default sudden_hardship := false
sudden_hardship if rigid_hardship
sudden_hardship if {
	sharply_down
	below_line
}

# --- exclusions ---
default vehicle := false
vehicle if {
	some v in input.assets.vehicles
	v.kind in excluded_vehicles
}
default commercial_housing := false
commercial_housing if input.assets.commercial_housing > 0
default public_servant := false
public_servant if {
	some m in input.members
	m.public_servant == true
}
default business := false
business if {
	input.assets.business.owns == true
	input.assets.business.employees >= min_employees
	input.assets.business.tax_paying == true
}
default deposits := false
deposits if fen(input.assets.deposits) >= large_deposit

default exception := false
exception if input.village_review.exception_approved == true

# --- elimination conditions (undefined = unknown) ---
min_months := input.monitoring.identified_on <= data.asof.min_months_cutoff
guarantees := false if input.guarantees.school_dropout == true
	else := false if input.guarantees.medical_insured_all == false
	else := false if input.guarantees.safe_water == false
	else := false if input.guarantees.dangerous_house == true
	else := true if {
		input.guarantees.school_dropout == false
		input.guarantees.medical_insured_all == true
		input.guarantees.safe_water == true
		input.guarantees.dangerous_house == false
	}
no_labour := false if {
	some m in input.members
	m.labour
	not m.labour in no_labour_kinds
} else := true if {
	count([m | some m in input.members; m.labour in no_labour_kinds]) == members_count
}

# --- alerts ---
event_alert(kinds) if {
	some e in input.events
	e.kind in kinds
	e.date <= data.asof.today
}
alerts contains "monthly_visit" if monitored
alerts contains "quarterly_review" if monitored
alerts contains "online_report" if event_alert({"online_report"})
alerts contains "school_dropout" if event_alert({"school_dropout"})
alerts contains "social_assistance" if event_alert({"dibao_granted", "tekun_granted"})
alerts contains "unemployment" if event_alert({"unemployment"})
alerts contains "housing" if event_alert({"housing_risk"})
alerts contains "water" if event_alert({"water_risk"})
alerts contains "industry" if event_alert({"industry_failure"})
alerts contains "medical_cost_health" if medical_burden
alerts contains "disaster" if event_alert({"disaster"})
alerts contains "medical_cost" if medical_burden
alerts contains "severe_disability" if event_alert({"severe_disability"})

outcome := {
	"monitored": monitored,
	"categories": [object.get(cats, "unstable", null), object.get(cats, "marginal", null), sudden_hardship],
	"exclusions": [vehicle, commercial_housing, public_servant, business, deposits],
	"exception": exception,
	"elimination": [object.get(elim, "min_months", null), below_line, rigid_hardship, object.get(elim, "guarantees", null), object.get(elim, "no_labour", null)],
	"alerts": alerts,
}

cats[k] := v if {
	some k in {"unstable", "marginal"}
	k == "unstable"
	v := unstable
}
cats[k] := v if {
	some k in {"unstable", "marginal"}
	k == "marginal"
	v := marginal
}
elim["min_months"] := min_months
elim["guarantees"] := guarantees
elim["no_labour"] := no_labour
