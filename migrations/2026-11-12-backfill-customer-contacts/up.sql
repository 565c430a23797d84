-- INV-1207: copy customers.email into customer_contacts as the primary contact. NOT EXISTS keeps it
-- from adding a second primary contact for a customer that already has one.
INSERT INTO customer_contacts (customer_id, email, is_primary)
SELECT c.id, c.email, 1
FROM customers c
WHERE NOT EXISTS (
  SELECT 1 FROM customer_contacts cc WHERE cc.customer_id = c.id AND cc.is_primary = 1
);
