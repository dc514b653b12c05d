"""The built-in stages of the certification procedure, registered under their
procedure.yaml ids."""
from __future__ import annotations

from . import audit, certification
from . import results as r
from .registry import Stage, registry

WIDGETS = "audit_widgets.widgets"

for stage in (
    Stage("application", audit.compute_application, (f"{WIDGETS}.applicant:ApplicantForm",), r.ApplicationResult),
    Stage("planning", audit.compute_planning, (f"{WIDGETS}.review:ReviewForm", f"{WIDGETS}.planning:PlanningPanel",
                                               f"{WIDGETS}.audit_plan:AuditPlanForm"), r.PlanningResult),
    Stage("contract", audit.compute_contract, (f"{WIDGETS}.contract:ContractForm",), r.ContractResult),
    Stage("characteristic", audit.compute_characteristic,
          (f"{WIDGETS}.survey:SurveyPanel", f"{WIDGETS}.callbacks:CallbackPanel", f"{WIDGETS}.monitoring:MonitoringPanel",
           f"{WIDGETS}.cases:CaseSampleWidget", f"{WIDGETS}.checklist:ChecklistWidget"), r.CharacteristicResult),
    Stage("system_audit", audit.compute_system_audit, (f"{WIDGETS}.checklist:ChecklistWidget",), r.SystemAuditResult),
    Stage("report", audit.compute_report, (f"{WIDGETS}.report:ReportPanel", f"{WIDGETS}.findings:FindingsWidget",
                                            f"{WIDGETS}.particulars:ParticularsForm"), r.ReportResult),
    Stage("decision", certification.compute_decision, (f"{WIDGETS}.decision:DecisionWidget",), r.DecisionResult),
    Stage("certificate", certification.compute_certificate, (f"{WIDGETS}.certificate:CertificatePanel",),
          r.CertificateResult),
    Stage("surveillance", certification.compute_surveillance, (f"{WIDGETS}.surveillance:SurveillancePanel",),
          r.SurveillanceResult),
    Stage("recertification", certification.compute_recertification,
          (f"{WIDGETS}.certificate:CertificatePanel", f"{WIDGETS}.cycle:CyclePanel",
           f"{WIDGETS}.certificate_decisions:CertificateDecisionPanel"), r.RecertificationResult),
):
    registry.register(stage)
