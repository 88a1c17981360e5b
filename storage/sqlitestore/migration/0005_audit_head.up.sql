-- An appended audit entry moves its case's audit head in the same
-- statement, so AuditAppend is one atomic INSERT.
CREATE TRIGGER audit_log_head AFTER INSERT ON audit_log
BEGIN
    UPDATE cases SET audit_seq = NEW.seq, audit_head = NEW.hash WHERE id = NEW.case_id;
END;
