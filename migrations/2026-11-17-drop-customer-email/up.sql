-- INV-1215: customers.email was copied to customer_contacts by 2026-11-12-backfill-customer-contacts.
-- INPLACE rebuilds the table without blocking writes on MySQL 8 and MariaDB alike.
ALTER TABLE customers DROP INDEX uq_customers_email, DROP COLUMN email, ALGORITHM=INPLACE, LOCK=NONE;
