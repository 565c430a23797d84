-- INV-1201 rollback: children first, because of the foreign keys. Loses every invoice: only for an
-- environment where the tables were just created.
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE customers;
