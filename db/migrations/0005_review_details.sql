-- Review details: the answer a nurse corrected with the patient, and what a staff signature is for
-- ("review": the nurse's countersignature; "decision": the signer's).
ALTER TABLE flags ADD COLUMN corrected_answer TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
CREATE INDEX labs_by_screening ON labs (screening_id, id);
CREATE INDEX implants_by_screening ON implants (screening_id, id);
CREATE INDEX signatures_by_screening ON signatures (screening_id, id);
