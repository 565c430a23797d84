-- INV-1215 rollback: bring customers.email back from each customer's primary contact. The column
-- comes back NULL-able: a customer created after the drop may have no primary contact.
ALTER TABLE customers ADD COLUMN email VARCHAR(320) NULL, ALGORITHM=INPLACE, LOCK=NONE;

UPDATE customers c
JOIN customer_contacts cc ON cc.customer_id = c.id AND cc.is_primary = 1
SET c.email = cc.email;

ALTER TABLE customers ADD UNIQUE KEY uq_customers_email (email), ALGORITHM=INPLACE, LOCK=NONE;
