"""Forms of the directory: public search (public.py) and staff editing (staff.py)."""
