-- INV-1234: when an invoice falls due. NULL for invoices issued before payment terms existed.
-- INSTANT adds the column as metadata only (MySQL 8.0.12+, MariaDB 10.3+), so no table copy.
ALTER TABLE invoices ADD COLUMN due_date DATE NULL, ALGORITHM=INSTANT;
