-- INV-1234 rollback: drops the column and every due date written since.
ALTER TABLE invoices DROP COLUMN due_date;
